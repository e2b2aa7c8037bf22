//! A middleware on axum, the code OrderCloud calls and trusts, played end to end against a
//! local OrderCloud: a shopper's endpoint behind the token verifier, a pre-hook that refuses
//! more than ten of an item, and the checkout integration event (shipping rates, tax, and
//! loyalty points on submit), each call signed by the simulator and verified by the
//! middleware. The middleware is `ordercloud_examples::checkout`.
//!
//! Against the simulator program, in another terminal:
//!
//! ```text
//! cargo run -p ordercloud-simulator
//! ORDERCLOUD_BASE_URL=http://127.0.0.1:4300 cargo run --example checkout_middleware
//! ```
//!
//! Without `ORDERCLOUD_BASE_URL` it starts a simulator of its own. Either way it resets the
//! simulator and seeds `examples/checkout_marketplace.json` first; it never calls a real
//! OrderCloud.

use ordercloud_examples::{base_url_or_simulator, checkout, run_example};

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let (base_url, _simulator) = base_url_or_simulator().await?;
    checkout::run(&base_url, &mut |line| println!("{line}")).await?;
    Ok(())
}
