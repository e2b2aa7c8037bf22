//! Lists as OrderCloud answers them: `page` and `pageSize` (20 by default, at most 100),
//! `search` with `searchOn`, `sortBy` with `!` for descending, and filters on any property,
//! `xp.*` included, with OrderCloud's operators.

use std::cmp::Ordering;

use serde_json::{Map, Value, json};

/// The largest page OrderCloud serves.
pub(crate) const MAX_PAGE_SIZE: usize = 100;
const DEFAULT_PAGE_SIZE: usize = 20;

/// A list request's options, read from its query.
#[derive(Debug, Default)]
pub(crate) struct ListQuery {
    page: usize,
    page_size: usize,
    search: Option<String>,
    search_on: Vec<String>,
    sort_by: Vec<String>,
    /// `(property path, condition)`; the same property may come several times (and).
    filters: Vec<(String, String)>,
}

/// Why a list request cannot be answered: OrderCloud's error code and message.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ListError {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl ListQuery {
    /// Reads `pairs` (decoded); `own` are the operation's own query parameters, not filters.
    pub(crate) fn parse(pairs: &[(String, String)], own: &[&str]) -> Result<Self, ListError> {
        let mut query = Self { page: 1, page_size: DEFAULT_PAGE_SIZE, ..Self::default() };
        for (name, value) in pairs {
            let number = |what: &'static str| {
                value.parse::<usize>().ok().filter(|number| *number >= 1).ok_or_else(|| ListError {
                    code: if what == "page" { "List.InvalidPage" } else { "List.InvalidPageSize" },
                    message: format!("{what} must be a whole number of 1 or more"),
                })
            };
            match name.as_str() {
                "page" => query.page = number("page")?,
                "pageSize" => query.page_size = number("pageSize")?,
                "search" => query.search = Some(value.clone()).filter(|search| !search.is_empty()),
                "searchOn" => query.search_on = split_list(value),
                "sortBy" => query.sort_by = split_list(value),
                "searchType" | "depth" | "pageKey" => {}
                name if own.iter().any(|own| own.eq_ignore_ascii_case(name)) => {}
                name => query.filters.push((name.to_owned(), value.clone())),
            }
        }
        if query.page_size > MAX_PAGE_SIZE {
            return Err(ListError {
                code: "List.InvalidPageSize",
                message: format!("pageSize must be at most {MAX_PAGE_SIZE}"),
            });
        }
        Ok(query)
    }

    /// The page of `items` these options ask for, with its `Meta` (and empty `Facets` when
    /// `facets`), as OrderCloud's list answer.
    pub(crate) fn answer(&self, items: impl IntoIterator<Item = Value>, facets: bool) -> Value {
        let mut matching: Vec<Value> = items.into_iter().filter(|item| self.matches(item)).collect();
        if !self.sort_by.is_empty() {
            matching.sort_by(|a, b| self.compare(a, b));
        }
        let total = matching.len();
        let total_pages = total.div_ceil(self.page_size);
        let start = (self.page - 1).saturating_mul(self.page_size).min(total);
        let page: Vec<Value> = matching.into_iter().skip(start).take(self.page_size).collect();
        let range = if page.is_empty() { json!([start, start]) } else { json!([start + 1, start + page.len()]) };
        let mut meta = json!({
            "Page": self.page,
            "PageSize": self.page_size,
            "TotalCount": total,
            "TotalPages": total_pages,
            "ItemRange": range,
        });
        if facets {
            meta["Facets"] = json!([]);
        }
        json!({"Meta": meta, "Items": page})
    }

    fn matches(&self, item: &Value) -> bool {
        let searched = self.search.as_ref().is_none_or(|search| {
            let search = search.to_lowercase();
            let fields: Vec<&Value> = if self.search_on.is_empty() {
                item.as_object().map(|object| object.values().collect()).unwrap_or_default()
            } else {
                self.search_on.iter().filter_map(|field| lookup(item, field)).collect()
            };
            fields.iter().any(|value| text(value).is_some_and(|text| text.to_lowercase().contains(&search)))
        });
        searched && self.filters.iter().all(|(path, condition)| holds(lookup(item, path), condition))
    }

    fn compare(&self, a: &Value, b: &Value) -> Ordering {
        for key in &self.sort_by {
            let (descending, path) = match key.strip_prefix('!') {
                Some(path) => (true, path),
                None => (false, key.as_str()),
            };
            let ordering = compare_values(lookup(a, path), lookup(b, path));
            let ordering = if descending { ordering.reverse() } else { ordering };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    }
}

fn split_list(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|part| !part.is_empty()).map(str::to_owned).collect()
}

/// The value at a dotted path (`xp.Color`, `Inventory.QuantityAvailable`); property names in
/// any letter case, as OrderCloud reads them.
pub(crate) fn lookup<'a>(item: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(item, |value, name| {
        let object = value.as_object()?;
        object
            .get(name)
            .or_else(|| object.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value))
    })
}

/// A scalar as filter text: strings as they are, numbers and booleans as JSON writes them.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Whether `value` meets `condition`, in OrderCloud's syntax: alternatives split by `|`
/// (or); each may start with `!` (not), `<` or `>` (comparison), and use `*` (any text).
fn holds(value: Option<&Value>, condition: &str) -> bool {
    condition.split('|').any(|alternative| {
        let (negated, rest) = match alternative.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, alternative),
        };
        let outcome = match rest.chars().next() {
            Some('<') => compare_text(value, &rest[1..]).is_some_and(Ordering::is_lt),
            Some('>') => compare_text(value, &rest[1..]).is_some_and(Ordering::is_gt),
            _ => match value.and_then(text) {
                Some(text) => wildcard(&text.to_lowercase(), &rest.to_lowercase()),
                // Nothing there: only `!*` (not anything) and `!x` hold.
                None => false,
            },
        };
        outcome != negated
    })
}

/// `value` against `bound`: as numbers when both are numbers, else as text without regard to
/// letter case, as `sortBy` orders it, so `ID=>{last}` goes on where a page sorted by ID
/// ended (RFC 3339 dates compare in order as text).
fn compare_text(value: Option<&Value>, bound: &str) -> Option<Ordering> {
    let value = value?;
    match (value.as_f64(), bound.parse::<f64>()) {
        (Some(number), Ok(bound)) => number.partial_cmp(&bound),
        _ => text(value).map(|text| text.to_lowercase().cmp(&bound.to_lowercase())),
    }
}

fn compare_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            _ => text(a).unwrap_or_default().to_lowercase().cmp(&text(b).unwrap_or_default().to_lowercase()),
        },
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any text.
fn wildcard(text: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return text == pattern;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// `object` without the properties named in `names` (any letter case).
pub(crate) fn without(mut object: Map<String, Value>, names: &[&str]) -> Map<String, Value> {
    object.retain(|key, _| !names.iter().any(|name| name.eq_ignore_ascii_case(key)));
    object
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<Value> {
        vec![
            json!({"ID": "a", "Name": "Road bike", "Price": 1200, "Active": true, "xp": {"Color": "red"}, "DateCreated": "2026-01-02T00:00:00Z"}),
            json!({"ID": "b", "Name": "Helmet", "Price": 60, "Active": false, "xp": {"Color": "blue"}, "DateCreated": "2026-02-02T00:00:00Z"}),
            json!({"ID": "c", "Name": "Bike light", "Price": 25.5, "Active": true, "xp": {}, "DateCreated": "2026-03-02T00:00:00Z"}),
        ]
    }

    fn ids(pairs: &[(&str, &str)]) -> Vec<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect();
        let answer = ListQuery::parse(&pairs, &["catalogID"]).unwrap().answer(items(), false);
        answer["Items"].as_array().unwrap().iter().map(|item| item["ID"].as_str().unwrap().to_owned()).collect()
    }

    #[test]
    fn filters_with_every_operator() {
        assert_eq!(ids(&[("Active", "true")]), ["a", "c"]);
        assert_eq!(ids(&[("Active", "false")]), ["b"]);
        assert_eq!(ids(&[("Active", "!true")]), ["b"]);
        assert_eq!(ids(&[("Price", ">100")]), ["a"]);
        assert_eq!(ids(&[("Price", "!<60")]), ["a", "b"], "at least 60");
        assert_eq!(ids(&[("Price", "!>60")]), ["b", "c"], "at most 60");
        assert_eq!(ids(&[("Name", "*bike*")]), ["a", "c"]);
        assert_eq!(ids(&[("Name", "bike*")]), ["c"]);
        assert_eq!(ids(&[("xp.Color", "red|blue")]), ["a", "b"]);
        assert_eq!(ids(&[("xp.Color", "!*")]), ["c"], "not set");
        assert_eq!(ids(&[("xp.color", "*")]), ["a", "b"], "any letter case");
        assert_eq!(ids(&[("DateCreated", "!<2026-02-01"), ("DateCreated", "<2026-03-01")]), ["b"], "a range: and");
        assert_eq!(ids(&[("catalogID", "summer")]), ["a", "b", "c"], "an operation's own parameter is no filter");
    }

    #[test]
    fn the_last_id_walk_sorts_and_filters_ids_alike() {
        let items: Vec<Value> = ["b", "A", "c", "D", "e"].iter().map(|id| json!({"ID": id})).collect();
        let walk = |after: Option<&str>| {
            let mut pairs = vec![("sortBy".to_owned(), "ID".to_owned()), ("pageSize".to_owned(), "2".to_owned())];
            pairs.extend(after.map(|after| ("ID".to_owned(), format!(">{after}"))));
            let answer = ListQuery::parse(&pairs, &[]).unwrap().answer(items.clone(), false);
            let ids: Vec<String> = answer["Items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["ID"].as_str().unwrap().to_owned())
                .collect();
            (ids, answer["Meta"]["TotalPages"].as_u64().unwrap())
        };
        assert_eq!(walk(None), (vec!["A".to_owned(), "b".to_owned()], 3));
        assert_eq!(walk(Some("b")), (vec!["c".to_owned(), "D".to_owned()], 2), "after b, in the order sortBy gives");
        assert_eq!(walk(Some("D")), (vec!["e".to_owned()], 1));
        assert_eq!(ids(&[("ID", "a|C")]), ["a", "c"], "any of, in any letter case");
    }

    #[test]
    fn search_sort_and_pages() {
        assert_eq!(ids(&[("search", "BIKE")]), ["a", "c"]);
        assert_eq!(ids(&[("search", "bike"), ("searchOn", "ID")]), Vec::<String>::new());
        assert_eq!(ids(&[("sortBy", "!Price")]), ["a", "b", "c"]);
        assert_eq!(ids(&[("sortBy", "Name")]), ["c", "b", "a"]);
        let pairs = [("pageSize".to_owned(), "2".to_owned()), ("page".to_owned(), "2".to_owned())];
        let answer = ListQuery::parse(&pairs, &[]).unwrap().answer(items(), true);
        assert_eq!(
            answer["Meta"],
            json!({"Page": 2, "PageSize": 2, "TotalCount": 3, "TotalPages": 2, "ItemRange": [3, 3], "Facets": []})
        );
        let too_big = [("pageSize".to_owned(), "101".to_owned())];
        assert_eq!(ListQuery::parse(&too_big, &[]).unwrap_err().code, "List.InvalidPageSize");
        let past = [("page".to_owned(), "9".to_owned())];
        let answer = ListQuery::parse(&past, &[]).unwrap().answer(items(), false);
        assert_eq!((answer["Items"].as_array().unwrap().len(), answer["Meta"]["TotalPages"].as_u64()), (0, Some(1)));
    }
}
