//! A storefront's journey with the generated SDK and the Cart against the
//! `ordercloud-simulator` program, as `cargo run -p ordercloud-simulator` starts it: the
//! journey of the `storefront_journey` example (the one `examples/js/cart-journey.mjs` runs
//! with OrderCloud's JavaScript SDK), which seeds the marketplace it needs over the control
//! routes and answers the checkout integration's calls itself.

// The example's own module: `pub` for the examples' library, private here.
#[allow(unreachable_pub)]
#[path = "../../../examples/journey.rs"]
mod journey;

mod program;

use ordercloud::auth::TokenClaims;
use ordercloud::models::decimal;
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
    // One road bike at 899 and two helmets at the two-helmet price of 49.50; ground shipping
    // and 8% tax from the checkout integration.
    let calculated = &journey.calculated;
    assert_eq!(
        (calculated.subtotal, calculated.shipping_cost, calculated.tax_cost, calculated.total),
        (Some(decimal!(998)), Some(decimal!(9.5)), Some(decimal!(79.84)), Some(decimal!(1087.34)))
    );
    assert!(journey.cart_kept, "registering kept the anonymous shopper's cart");
    let order = &journey.order;
    assert_eq!(order.status, Some(OrderStatus::Open));
    assert_eq!((order.is_submitted, order.line_item_count, order.total), (Some(true), Some(2), calculated.total));
    assert_eq!(order.id, calculated.id, "the cart is the order");
    assert!(order.date_submitted.is_some());
    assert_eq!((journey.next_cart.id.as_deref(), journey.next_cart.line_item_count), (None, Some(0)));
    // The email's link token is a JWT that grants a password reset and nothing else.
    let claims = TokenClaims::from_jwt(&journey.link_token).expect("a JWT");
    assert_eq!(claims.role, ["PasswordReset".to_owned()]);
    assert!(!journey.old_password_works, "the old password still signs in");
    let ids: Vec<_> = journey.orders_after.iter().map(|order| order.id.clone()).collect();
    assert_eq!(ids, std::slice::from_ref(&order.id), "the registered user sees the submitted order");
    assert_eq!(said.len(), 9, "{said:#?}");
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
