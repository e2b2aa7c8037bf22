//! A back-office integration's first program: sign in with client credentials (eagerly, so
//! a wrong secret fails at startup), create a catalog, a price schedule, products and a
//! buyer, assign them, list with filters and every page, PATCH with a `null`, a GET then a
//! PUT, a typed "not found", and a delete.
//!
//! `cargo run --example admin` runs it on an embedded simulator. Against a sandbox
//! marketplace (it creates and deletes objects there: never a production one):
//!
//! ```text
//! ORDERCLOUD_BASE_URL=https://sandboxapi.ordercloud.io ORDERCLOUD_CLIENT_ID=... \
//!   ORDERCLOUD_CLIENT_SECRET=... cargo run --example admin
//! ```

use ordercloud::auth::{Session, TokenRequest};
use ordercloud::buyers::BuyersApi;
use ordercloud::catalogs::{CatalogsApi, PriceSchedulesApi, ProductsApi, ProductsListSort};
use ordercloud::models::{
    Buyer, Catalog, CatalogAssignment, PartialProduct, PriceBreak, PriceSchedule, Product, ProductCatalogAssignment,
};
use ordercloud::{ApiClient, Error, Filter, ListOptions, decimal, xp};
use ordercloud_examples::{optional, run_example};
use ordercloud_simulator::{SimApiClient, Simulator};

/// The integration's API client on the embedded simulator.
const CLIENT_ID: &str = "admin-integration";
const SECRET: &str = "an-integration-secret";

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let (base_url, client_id, secret, _simulator) = match optional("ORDERCLOUD_BASE_URL") {
        Some(base_url) => (
            base_url,
            ordercloud_examples::client_id_from_env()?,
            ordercloud_examples::required("ORDERCLOUD_CLIENT_SECRET", "the API client's secret")?,
            None,
        ),
        None => {
            let integration = SimApiClient::new(CLIENT_ID).with_secret(SECRET).with_roles(["FullAccess"]);
            let simulator = Simulator::builder()
                .api_client(integration)
                .start()
                .await
                .map_err(|error| format!("could not start the simulator: {error}"))?;
            (simulator.base_url(), CLIENT_ID.to_owned(), SECRET.to_owned(), Some(simulator))
        }
    };
    let client = ApiClient::builder().base_url(&base_url).build().map_err(|error| error.to_string())?;
    admin(client, &client_id, &secret).await.map_err(|error| format!("{error:#}"))
}

/// What a back office does first, printing a line per step.
async fn admin(client: ApiClient, client_id: &str, secret: &str) -> Result<(), Error> {
    // A session signs in at its first call; sign_in() does it now, so a wrong secret fails
    // here, at startup, rather than at the first business call.
    let session = Session::new(client, TokenRequest::client_credentials(client_id, secret).with_scope(["FullAccess"]));
    session.sign_in().await?;
    let roles = session.claims().map(|claims| claims.role.join(" ")).unwrap_or_default();
    println!("1. signed in with client credentials: roles {roles}");
    let admin = session.client();
    let (catalogs, prices, products, buyers) = (
        CatalogsApi::new(admin.clone()),
        PriceSchedulesApi::new(admin.clone()),
        ProductsApi::new(admin.clone()),
        BuyersApi::new(admin),
    );

    catalogs.create(&Catalog::new().with_id("summer").with_name("Summer").with_active(true)).await?;
    let retail = PriceSchedule::new().with_id("retail").with_name("Retail").with_price_breaks(vec![
        PriceBreak::new().with_quantity(1).with_price(decimal!(19.99)),
        PriceBreak::new().with_quantity(10).with_price(decimal!(17.50)),
    ]);
    prices.create(&retail).await?;
    for n in 1..=25 {
        let color = ["Red", "Blue", "Green"][n % 3];
        let tee = Product::new()
            .with_id(format!("tee-{n:02}"))
            .with_name(format!("T-shirt {n:02}, {color}"))
            .with_description("Organic cotton.")
            .with_default_price_schedule_id("retail")
            .with_active(true)
            .with_xp(xp!({"Color": color, "Sizes": ["S", "M", "L"]}));
        products.create(&tee).await?;
        let assignment =
            ProductCatalogAssignment::new().with_catalog_id("summer").with_product_id(format!("tee-{n:02}"));
        catalogs.save_product_assignment(&assignment).await?;
    }
    println!("2. created the catalog summer, the price schedule retail (19.99, 17.50 from 10) and 25 products in it");

    buyers.create(&Buyer::new().with_id("acme").with_name("Acme Corp").with_default_catalog_id("summer")).await?;
    let visible = CatalogAssignment::new().with_catalog_id("summer").with_buyer_id("acme").with_view_all_products(true);
    catalogs.save_assignment(&visible).await?;
    println!("3. created the buyer acme, who sees the summer catalog");

    let red = ListOptions::new()
        .filter_with(Filter::eq("xp.Color", "Red"))
        .filter_with(Filter::starts_with("Name", "T-shirt 1"))
        .sort_by([ProductsListSort::Name.descending()]);
    let page = products.list().options(&red).await?;
    let names: Vec<String> = page.items.iter().filter_map(|product| product.id.clone()).collect();
    println!("4. red T-shirts 1x, by name descending: {}", names.join(", "));

    let all =
        products.list().catalog_id("summer").options(&ListOptions::new().page_size(10)).pages().all_items().await?;
    println!("5. every page of 10: {} products", all.len());

    let patched =
        products.patch("tee-01", &PartialProduct::new().with_name("T-shirt 01, Red, 2027").clear_description()).await?;
    println!("6. PATCH: name {:?}, description cleared: {:?}", patched.name.unwrap_or_default(), patched.description);

    let mut tee = products.get("tee-02").await?;
    tee.name = Some("T-shirt 02, Green, 2027".into());
    let saved = products.save("tee-02", &tee).await?;
    println!(
        "7. GET then PUT: {:?}, still in price schedule {}",
        saved.name.unwrap_or_default(),
        saved.default_price_schedule_id.unwrap_or_default()
    );

    match products.get("no-such-product").await {
        Err(error) if error.is_not_found() => println!("8. a typed not found: {error}"),
        Err(error) => return Err(error),
        Ok(_) => println!("8. no-such-product exists"),
    }

    products.delete("tee-25").await?;
    let left = products.list().catalog_id("summer").options(&ListOptions::new().page_size(100)).await?;
    println!("9. deleted tee-25: {} products left", left.meta.total_count);
    Ok(())
}
