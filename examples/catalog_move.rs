//! The `move_catalog` example: every product of a catalog exported from one marketplace to
//! a JSON-lines file, then imported into another marketplace, with a progress line.
//!
//! The export streams the catalog's products (`ProductsApi::list().items()`: eight pages in
//! flight, by Last ID past page 30) into the file, one product a line, so memory holds a
//! few pages whatever the catalog's size. The import reads the file a line at a time and
//! saves each product with a [`Bulk`] run: `PUT /products/{id}` (which can be sent again
//! safely) and its catalog assignment, eight products at once, each failure kept with its
//! line.

use std::io::{BufRead, Write};

use ordercloud::catalogs::models::{Catalog, Product, ProductCatalogAssignment};
use ordercloud::catalogs::{CatalogsApi, ProductsApi};
use ordercloud::transport::{Bulk, BulkProgress, BulkReport};
use ordercloud::{ApiClient, ListOptions};
use ordercloud_auth::{Session, TokenRequest};
use ordercloud_simulator::{SimApiClient, Simulator};
use serde_json::json;

/// The catalog moved.
pub const CATALOG: &str = "summer-2027";

/// The back-office API client of both marketplaces (client credentials).
const ADMIN: &str = "catalog-sync";
const SECRET: &str = "catalog-sync-secret";

/// How many products of the first marketplace are in no catalog being moved.
const OTHERS: usize = 100;

/// Two marketplaces, as simulators: the first with the catalog [`CATALOG`] of `products`
/// products (and 100 more in another catalog), the second with no product yet; both
/// with the back-office API client.
pub async fn marketplaces(products: usize) -> Result<(Simulator, Simulator), String> {
    let admin = || SimApiClient::new(ADMIN).with_secret(SECRET).with_roles(["ProductAdmin", "CatalogAdmin"]);
    let mut source = Simulator::builder()
        .api_client(admin())
        .resource("/catalogs", json!({"ID": CATALOG, "Name": "Summer 2027"}))
        .resource("/catalogs", json!({"ID": "archive", "Name": "Archive"}));
    for n in 0..products + OTHERS {
        let (id, catalog) = match n < products {
            true => (format!("SUMMER-{n:05}"), CATALOG),
            false => (format!("OLD-{n:05}"), "archive"),
        };
        let color = ["Black", "Blue", "Red"][n % 3];
        let product = json!({
            "ID": id,
            "Name": format!("Trail shoe {n}"),
            "Description": "Breathable mesh upper, a rock plate under the forefoot, a 6 mm drop.",
            "QuantityMultiplier": 1,
            "ShipWeight": 0.85,
            "Active": n % 10 != 0,
            "xp": {"Color": color, "Sizes": ["8", "9", "10", "11"]},
        });
        source = source
            .resource("/products", product)
            .resource("/catalogs/productassignments", json!({"CatalogID": catalog, "ProductID": id}));
    }
    let source = source.start().await.map_err(|error| format!("could not start the first marketplace: {error}"))?;
    let target = Simulator::builder()
        .api_client(admin())
        .start()
        .await
        .map_err(|error| format!("could not start the second marketplace: {error}"))?;
    Ok((source, target))
}

/// The back-office client of a marketplace: a session on client credentials.
pub fn back_office(marketplace: &Simulator) -> Result<ApiClient, String> {
    let client = ApiClient::builder()
        .base_url(marketplace.base_url())
        .application_name("move-catalog-example")
        .build()
        .map_err(|error| error.to_string())?;
    Ok(Session::new(client, TokenRequest::client_credentials(ADMIN, SECRET)).client())
}

/// How many products the catalog `catalog` holds, from one page of one product.
pub async fn count(client: &ApiClient, catalog: &str) -> Result<u64, String> {
    let page = ProductsApi::new(client.clone())
        .list()
        .catalog_id(catalog)
        .options(&ListOptions::new().page_size(1))
        .send()
        .await
        .map_err(|error| error.to_string())?;
    Ok(page.meta.total_count)
}

/// Writes every product of `catalog` to `out`, one JSON object a line, calling
/// `progress(written, total)` as it goes; how many it wrote.
pub async fn export(
    client: &ApiClient,
    catalog: &str,
    mut out: impl Write,
    mut progress: impl FnMut(usize, u64),
) -> Result<usize, String> {
    let total = count(client, catalog).await?;
    let mut products =
        ProductsApi::new(client.clone()).list().catalog_id(catalog).options(&ListOptions::new().page_size(100)).items();
    let mut written = 0;
    while let Some(product) = products.next().await {
        let product = product.map_err(|error| format!("after {written} products: {error}"))?;
        serde_json::to_writer(&mut out, &product).map_err(|error| error.to_string())?;
        out.write_all(b"\n").map_err(|error| error.to_string())?;
        written += 1;
        progress(written, total);
    }
    out.flush().map_err(|error| error.to_string())?;
    Ok(written)
}

/// What an import of the lines of `B` did: for each line that failed, its text (or why it
/// could not be read) and why it failed.
pub type Imported<B> = BulkReport<std::io::Lines<B>, String, String>;

/// Saves each product of the JSON lines of `input` into `client`'s marketplace and assigns
/// it to `catalog` (saved first), eight products at once, calling `progress` after each.
pub async fn import<B: BufRead>(
    client: &ApiClient,
    catalog: &str,
    input: B,
    progress: impl FnMut(BulkProgress),
) -> Result<Imported<B>, String> {
    let catalogs = CatalogsApi::new(client.clone());
    let products = ProductsApi::new(client.clone());
    let summer = Catalog::new().with_id(catalog).with_name("Summer 2027");
    catalogs.save(catalog, &summer).send().await.map_err(|error| error.to_string())?;
    let report = Bulk::new(input.lines())
        .on_progress(progress)
        .run(|line| {
            // Both calls are built here, from the line; the future owns them.
            let calls = line.as_ref().map_err(ToString::to_string).and_then(|line| {
                let product: Product = serde_json::from_str(line).map_err(|error| format!("not a product: {error}"))?;
                let id = product.id.clone().ok_or("a product without an ID")?;
                let assignment = ProductCatalogAssignment::new().with_catalog_id(catalog).with_product_id(&id);
                Ok((id.clone(), products.save(&id, &product), catalogs.save_product_assignment(&assignment)))
            });
            async move {
                let (id, save, assign) = calls?;
                save.send().await.map_err(|error| format!("{id}: {error}"))?;
                assign.send().await.map_err(|error| format!("{id}: {error}"))?;
                Ok(id)
            }
        })
        .await;
    Ok(report)
}
