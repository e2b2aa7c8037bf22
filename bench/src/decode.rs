//! The decode rows: what reading a page of 100 products costs, in instructions (callgrind,
//! where valgrind is present) or else in time, for the generated `Product` against the same
//! fields read by a plain `#[derive(Deserialize)]` struct, which drops unknown fields and
//! reads decimals as `f64`.
//!
//! The page is the list rows' page with today's fields set (`ParentID`, `IsParent`,
//! `IsBundle`, `DateCreated`, which both read) and five fields on every product that no
//! description knows (text, a flag, a number, a list and an object), so the generated model
//! keeps them and the plain one skips them.
//!
//! `ordercloud-bench decode` prints the rows; `ordercloud-bench decode-run <which> <pages>`
//! decodes the page `pages` times in a child process (the one callgrind counts).

use std::hint::black_box;
use std::time::Instant;

use ordercloud_models::ListPageWithFacets;
use ordercloud_models::resources::Product;
use serde::Deserialize;
use serde_json::Value;

use crate::measure::median;
use crate::server::product_page;

/// The page, with the unknown fields added to every product.
pub(crate) fn page_with_unknown_fields() -> Result<Vec<u8>, String> {
    let page = product_page()?;
    let mut page: Value = serde_json::from_slice(&page).map_err(|e| e.to_string())?;
    let items = page.get_mut("Items").and_then(Value::as_array_mut).ok_or("the page has no Items")?;
    for (n, item) in items.iter_mut().enumerate() {
        let item = item.as_object_mut().ok_or("an item that is not an object")?;
        item.insert("ParentID".into(), Value::from(format!("NW-TRAIL-{:05}", n / 4 * 4)));
        item.insert("IsParent".into(), Value::from(n % 4 == 0));
        item.insert("IsBundle".into(), Value::from(false));
        item.insert("DateCreated".into(), Value::from(format!("2025-02-{:02}T08:00:00.000+00:00", 1 + n % 28)));
        // Fields no description knows.
        item.insert("Badge".into(), Value::from(format!("new-{}", n % 3)));
        item.insert("Featured".into(), Value::from(n % 7 == 0));
        item.insert("Rank".into(), Value::from(n));
        item.insert("Channels".into(), serde_json::json!(["web", "app"]));
        item.insert("Seo".into(), serde_json::json!({"Slug": format!("ridge-runner-{n}"), "Indexed": true}));
    }
    serde_json::to_vec(&page).map_err(|e| e.to_string())
}

/// Today's `Product` as a plain derive reads it: unknown fields skipped, decimals `f64`.
#[derive(Deserialize)]
#[allow(dead_code, non_snake_case)]
struct PlainProduct {
    OwnerID: Option<String>,
    DefaultPriceScheduleID: Option<String>,
    AutoForward: Option<bool>,
    ID: Option<String>,
    Name: Option<String>,
    Description: Option<String>,
    QuantityMultiplier: Option<i32>,
    ShipWeight: Option<f64>,
    ShipHeight: Option<f64>,
    ShipWidth: Option<f64>,
    ShipLength: Option<f64>,
    Active: Option<bool>,
    SpecCount: Option<i32>,
    VariantCount: Option<i32>,
    ShipFromAddressID: Option<String>,
    Inventory: Option<PlainInventory>,
    DefaultSupplierID: Option<String>,
    AllSuppliersCanSell: Option<bool>,
    Returnable: Option<bool>,
    xp: Option<ordercloud_models::Xp>,
    ParentID: Option<String>,
    IsParent: Option<bool>,
    IsBundle: Option<bool>,
    DateCreated: Option<String>,
}

/// Today's `Inventory`, plainly derived.
#[derive(Deserialize)]
#[allow(dead_code, non_snake_case)]
struct PlainInventory {
    Enabled: Option<bool>,
    NotificationPoint: Option<i32>,
    VariantLevelTracking: Option<bool>,
    OrderCanExceed: Option<bool>,
    QuantityAvailable: Option<i32>,
    LastUpdated: Option<String>,
}

/// What a row decodes into.
#[derive(Clone, Copy)]
enum Which {
    Plain,
    Generated,
}

impl Which {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "plain" => Ok(Self::Plain),
            "generated" => Ok(Self::Generated),
            other => Err(format!("decode-run: {other:?} is neither plain nor generated")),
        }
    }

    fn decode(self, page: &[u8]) -> Result<(), String> {
        match self {
            Self::Plain => {
                let page: ListPageWithFacets<PlainProduct> = serde_json::from_slice(page).map_err(|e| e.to_string())?;
                black_box(page);
            }
            Self::Generated => {
                let page: ListPageWithFacets<Product> = serde_json::from_slice(page).map_err(|e| e.to_string())?;
                black_box(page);
            }
        }
        Ok(())
    }
}

/// `decode-run <plain|generated> <pages>`: decodes the page `pages` times.
pub(crate) fn run_child(args: &[String]) -> Result<(), String> {
    let which = Which::parse(args.first().map(String::as_str).unwrap_or(""))?;
    let pages: usize = args.get(1).and_then(|a| a.parse().ok()).ok_or("decode-run: pages?")?;
    let page = page_with_unknown_fields()?;
    for _ in 0..pages {
        which.decode(black_box(&page))?;
    }
    Ok(())
}

/// `decode`: the rows, in instructions per page where valgrind is present, else in time.
pub(crate) fn run() -> Result<(), String> {
    let page = page_with_unknown_fields()?;
    println!("Decoding a page of 100 products ({} bytes, five unknown fields on each product):\n", page.len());
    let rows = [
        (Which::Plain, "plain derive: unknown fields dropped, decimals f64"),
        (Which::Generated, "generated `Product`: unknown fields kept, exact decimals"),
    ];
    if crate::callgrind::present() {
        println!("| decoded into | instructions per page (callgrind) | / plain |");
        println!("|---|---:|---:|");
        let mut plain = 0.0;
        for (which, label) in rows {
            let per_page = instructions_per_page(which)?;
            if matches!(which, Which::Plain) {
                plain = per_page;
            }
            println!("| {label} | {:.0} | {:.3} |", per_page, per_page / plain);
        }
    } else {
        println!("(valgrind not found: time per page, median of 15 rounds of 200 pages)\n");
        println!("| decoded into | time per page | / plain |");
        println!("|---|---:|---:|");
        let mut plain = 0.0;
        for (which, label) in rows {
            let rounds: Vec<f64> = (0..15)
                .map(|_| {
                    let start = Instant::now();
                    for _ in 0..200 {
                        which.decode(black_box(&page))?;
                    }
                    Ok(start.elapsed().as_secs_f64() / 200.0)
                })
                .collect::<Result<_, String>>()?;
            let per_page = median(rounds);
            if matches!(which, Which::Plain) {
                plain = per_page;
            }
            println!("| {label} | {:.1} µs | {:.3} |", per_page * 1e6, per_page / plain);
        }
    }
    Ok(())
}

/// Instructions per decoded page: two runs under callgrind, 1 and 21 pages, so what every
/// run costs besides (start-up, building the page) cancels out.
fn instructions_per_page(which: Which) -> Result<f64, String> {
    let name = match which {
        Which::Plain => "plain",
        Which::Generated => "generated",
    };
    let count = |pages: u32| -> Result<f64, String> {
        let out = crate::callgrind::command()?
            .args(["decode-run", name, &pages.to_string()])
            .output()
            .map_err(|e| format!("could not run valgrind: {e}"))?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            return Err(format!("decode-run under callgrind failed: {stderr}"));
        }
        crate::callgrind::collected(&stderr)
    };
    Ok((count(21)? - count(1)?) / 20.0)
}
