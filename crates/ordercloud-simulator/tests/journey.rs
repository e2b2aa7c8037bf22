//! A storefront's journey with the generated SDK against the `ordercloud-simulator` program,
//! as `cargo run -p ordercloud-simulator` starts it: the journey of the `storefront_journey`
//! example, which seeds the marketplace it needs over the control routes.

// The example's own module: `pub` for the examples' library, private here.
#[allow(unreachable_pub)]
#[path = "../../../examples/journey.rs"]
mod journey;

mod program;

use ordercloud::auth::TokenClaims;
use ordercloud::orders::models::OrderStatus;
use program::Running;

#[tokio::test(flavor = "multi_thread")]
async fn a_storefront_journey_runs_on_the_program() {
    let program = Running::start(&[]);
    let mut said = Vec::new();
    let journey =
        journey::run(&program.base_url, &mut |line| said.push(line)).await.unwrap_or_else(|error| panic!("{error}"));

    // The filter on xp kept the cycling products, sorted by name.
    assert_eq!(journey.products, ["bottle", "helmet", "road-bike"]);
    // One road bike at 899 and two helmets at the two-helmet price of 49.50.
    let order = &journey.order;
    assert_eq!(order.status, Some(OrderStatus::Open));
    assert_eq!(
        (order.is_submitted, order.line_item_count, order.total),
        (Some(true), Some(2), Some(ordercloud_models::decimal!(998)))
    );
    assert!(order.date_submitted.is_some());
    // The email's link token is a JWT that grants a password reset and nothing else.
    let claims = TokenClaims::from_jwt(&journey.link_token).expect("a JWT");
    assert_eq!(claims.role, ["PasswordReset".to_owned()]);
    assert!(!journey.old_password_works, "the old password still signs in");
    let ids: Vec<_> = journey.orders_after.iter().map(|order| order.id.clone()).collect();
    assert_eq!(ids, std::slice::from_ref(&order.id), "the registered user sees the submitted order");
    assert_eq!(said.len(), 8, "{said:#?}");
}

/// A second run on the same program starts from the same marketplace: the journey resets it.
#[tokio::test(flavor = "multi_thread")]
async fn the_journey_runs_twice_on_one_program() {
    let program = Running::start(&[]);
    for run in 0..2 {
        let journey =
            journey::run(&program.base_url, &mut |_| {}).await.unwrap_or_else(|error| panic!("run {run}: {error}"));
        assert_eq!(journey.orders_after.len(), 1, "run {run}");
    }
}
