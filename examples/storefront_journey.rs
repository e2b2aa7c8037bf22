//! A storefront's whole journey on a local OrderCloud, with the generated SDK and the Cart:
//! browse anonymously with a filter, fill the cart and change a line, estimate shipping and
//! calculate tax (the storefront's checkout integration answers), register and keep the
//! cart, sign in, ship it and submit it, then forget the password, reset it from the
//! email's link and sign in again.
//!
//! Against the simulator program, in another terminal:
//!
//! ```text
//! cargo run -p ordercloud-simulator
//! ORDERCLOUD_BASE_URL=http://127.0.0.1:4300 cargo run --example storefront_journey
//! ```
//!
//! Without `ORDERCLOUD_BASE_URL` it starts a simulator of its own. Either way it resets the
//! simulator and seeds `examples/marketplace.json` first; it never calls a real OrderCloud.

use ordercloud_examples::journey;
use ordercloud_examples::{base_url_or_simulator, run_example};

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let (base_url, _simulator) = base_url_or_simulator().await?;
    journey::run(&base_url, &mut |line| println!("{line}")).await?;
    Ok(())
}
