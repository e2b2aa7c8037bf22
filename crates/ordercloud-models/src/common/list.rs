//! Lists: the page envelope every OrderCloud list endpoint answers with, and the options
//! every list endpoint takes.

use serde::{Deserialize, Deserializer, Serialize};

use super::filter::{Filter, FilterError};
use super::raw_json::Xp;

/// One page of a list endpoint's answer: `{"Meta":{...},"Items":[...]}`.
///
/// ```
/// use ordercloud_models::ListPage;
///
/// let page: ListPage<String> = serde_json::from_str(
///     r#"{"Meta":{"Page":1,"PageSize":2,"TotalCount":3,"TotalPages":2,"ItemRange":[1,2]},"Items":["a","b"]}"#,
/// )?;
/// assert_eq!(page.items, ["a", "b"]);
/// assert_eq!((page.meta.page, page.meta.total_pages), (1, 2));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct ListPage<T> {
    /// Where this page stands in the whole list.
    #[serde(rename = "Meta", default, deserialize_with = "null_as_default")]
    pub meta: ListMeta,
    /// The items of this page.
    #[serde(rename = "Items", default, deserialize_with = "null_as_default")]
    pub items: Vec<T>,
}

impl<T> ListPage<T> {
    /// A page holding `items`, described by `meta`.
    pub fn new(meta: ListMeta, items: Vec<T>) -> Self {
        Self { meta, items }
    }
}

/// Where a page stands in a list. Every field is lenient: missing or `null` reads as 0,
/// empty or `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListMeta {
    /// This page's number, from 1.
    #[serde(rename = "Page", default, deserialize_with = "null_as_default")]
    pub page: u32,
    /// How many items a page holds at most.
    #[serde(rename = "PageSize", default, deserialize_with = "null_as_default")]
    pub page_size: u32,
    /// How many items the whole list holds.
    #[serde(rename = "TotalCount", default, deserialize_with = "null_as_default")]
    pub total_count: u64,
    /// How many pages the whole list has.
    #[serde(rename = "TotalPages", default, deserialize_with = "null_as_default")]
    pub total_pages: u32,
    /// The positions of this page's first and last items in the whole list.
    #[serde(rename = "ItemRange", default, deserialize_with = "null_as_default")]
    pub item_range: Vec<u64>,
    /// Where the next page starts, for lists paged by key rather than by number.
    #[serde(rename = "NextPageKey", default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
}

impl ListMeta {
    /// Metadata of page `page` of `total_pages`.
    pub fn new(page: u32, page_size: u32, total_count: u64, total_pages: u32) -> Self {
        Self { page, page_size, total_count, total_pages, ..Self::default() }
    }

    /// Sets the key of the next page.
    #[must_use]
    pub fn with_next_page_key(mut self, key: impl Into<String>) -> Self {
        self.next_page_key = Some(key.into());
        self
    }
}

/// One page of a list that also counts its items by facet: `Products.List` and
/// `Me.ListProducts` answer `{"Meta":{..., "Facets":[...]},"Items":[...]}`.
///
/// It converts into a [`ListPage`] (the facets left behind).
///
/// ```
/// use ordercloud_models::{ListPage, ListPageWithFacets};
///
/// let page: ListPageWithFacets<String> = serde_json::from_str(
///     r#"{"Meta":{"Page":1,"TotalPages":1,"Facets":[{"Name":"Color","XpPath":"Color","Values":[{"Value":"red","Count":3}]}]},"Items":["a"]}"#,
/// )?;
/// assert_eq!(page.meta.facets[0].values[0].count, 3);
/// let plain: ListPage<String> = page.into();
/// assert_eq!(plain.items, ["a"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct ListPageWithFacets<T> {
    /// Where this page stands in the whole list, and the facets' counts.
    #[serde(rename = "Meta", default, deserialize_with = "null_as_default")]
    pub meta: MetaWithFacets,
    /// The items of this page.
    #[serde(rename = "Items", default, deserialize_with = "null_as_default")]
    pub items: Vec<T>,
}

impl<T> ListPageWithFacets<T> {
    /// A page holding `items`, described by `meta`.
    pub fn new(meta: MetaWithFacets, items: Vec<T>) -> Self {
        Self { meta, items }
    }
}

impl<T> From<ListPageWithFacets<T>> for ListPage<T> {
    fn from(page: ListPageWithFacets<T>) -> Self {
        Self { meta: page.meta.into(), items: page.items }
    }
}

/// [`ListMeta`] with the list's facets: what each facet's values count across the whole
/// list (not just this page). Every field is lenient, as [`ListMeta`]'s are, and
/// [`ListMeta`]'s are read through it (`meta.total_count`) as well as from
/// [`list`](Self::list).
///
/// ```
/// use ordercloud_models::{ListMeta, MetaWithFacets};
///
/// let meta: MetaWithFacets = serde_json::from_str(r#"{"Page":2,"TotalPages":3,"Facets":[{"Name":"Color"}]}"#)?;
/// assert_eq!((meta.page, meta.total_pages, meta.facets[0].name.as_str()), (2, 3, "Color"));
/// let plain: ListMeta = meta.into();
/// assert_eq!(plain.page, 2);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetaWithFacets {
    /// Where this page stands in the whole list, as every list's `Meta` says.
    #[serde(flatten)]
    pub list: ListMeta,
    /// The facets, each with its values and their counts.
    #[serde(rename = "Facets", default, deserialize_with = "null_as_default")]
    pub facets: Vec<ListFacet>,
}

impl MetaWithFacets {
    /// Metadata of page `page` of `total_pages`, with `facets`.
    pub fn new(page: u32, page_size: u32, total_count: u64, total_pages: u32, facets: Vec<ListFacet>) -> Self {
        Self { list: ListMeta::new(page, page_size, total_count, total_pages), facets }
    }
}

/// [`ListMeta`]'s fields, read through the facets' metadata.
impl std::ops::Deref for MetaWithFacets {
    type Target = ListMeta;

    fn deref(&self) -> &ListMeta {
        &self.list
    }
}

impl std::ops::DerefMut for MetaWithFacets {
    fn deref_mut(&mut self) -> &mut ListMeta {
        &mut self.list
    }
}

impl From<MetaWithFacets> for ListMeta {
    fn from(meta: MetaWithFacets) -> Self {
        meta.list
    }
}

/// A facet of a list: a property (usually in `xp`) whose values are counted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListFacet {
    /// The facet's name, as the marketplace's product facet calls it.
    #[serde(rename = "Name", default, deserialize_with = "null_as_default")]
    pub name: String,
    /// The path of the property counted, under `xp`.
    #[serde(rename = "XpPath", default, deserialize_with = "null_as_default")]
    pub xp_path: String,
    /// Each value and how many items have it.
    #[serde(rename = "Values", default, deserialize_with = "null_as_default")]
    pub values: Vec<ListFacetValue>,
    /// The facet's own extended properties.
    #[serde(rename = "xp", default, skip_serializing_if = "Option::is_none")]
    pub xp: Option<Xp>,
}

/// One value of a facet, and how many items of the whole list have it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListFacetValue {
    /// The value.
    #[serde(rename = "Value", default, deserialize_with = "null_as_default")]
    pub value: String,
    /// How many items have it.
    #[serde(rename = "Count", default, deserialize_with = "null_as_default")]
    pub count: u64,
}

/// The query parameters every list operation takes, which a filter cannot be named like.
const LIST_PARAMETERS: &[&str] = &["page", "pageSize", "search", "searchOn", "sortBy", "pageKey"];

/// What one list operation takes, to check a list's options against before sending: its
/// own query parameters, the properties it sorts by and searches in, and the listed model's
/// properties. An empty list means "not known": anything goes. Generated list operations
/// give theirs to the transport ([`check_against`](ListOptions::check_against)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListFields {
    /// The operation's own query parameters (`catalogID`...), which no filter may be named
    /// like.
    pub own_parameters: &'static [&'static str],
    /// The properties it sorts by.
    pub sortable: &'static [&'static str],
    /// The properties it searches in.
    pub searchable: &'static [&'static str],
    /// The listed model's properties, which filters may be on (and `xp.` paths).
    pub properties: &'static [&'static str],
}

impl ListFields {
    /// Nothing known about the list: only the list parameters' names are refused to filters.
    pub const ANY: Self = Self { own_parameters: &[], sortable: &[], searchable: &[], properties: &[] };
}

/// A property to sort a list by, and in which direction: what a generated sort enum's
/// [`ascending`](crate::sort_fields!) and `descending` give, for
/// [`ListOptions::sort_by`] (which takes it as its text, `!` in front for descending).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SortBy {
    property: &'static str,
    descending: bool,
}

impl SortBy {
    /// By `property`, ascending.
    pub const fn ascending(property: &'static str) -> Self {
        Self { property, descending: false }
    }

    /// By `property`, descending.
    pub const fn descending(property: &'static str) -> Self {
        Self { property, descending: true }
    }
}

impl From<SortBy> for String {
    /// `Name`, or `!Name` for descending.
    fn from(sort: SortBy) -> String {
        if sort.descending { format!("!{}", sort.property) } else { sort.property.to_owned() }
    }
}

/// Declares the properties a list sorts by as an enum, so a sort is checked when compiling:
/// `ListOptions::new().sort_by([ProductsListSort::Name.descending()])`. Generated list
/// operations declare theirs (`ProductsListSort`...).
///
/// ```
/// use ordercloud_models::{ListOptions, sort_fields};
///
/// sort_fields! {
///     /// What `Products.List` sorts by.
///     pub enum ProductsListSort {
///         /// `Name`.
///         Name = "Name",
///         /// `ID`.
///         Id = "ID",
///     }
/// }
///
/// let options = ListOptions::new().sort_by([ProductsListSort::Name.descending(), ProductsListSort::Id.ascending()]);
/// assert_eq!(options.sort_by, ["!Name", "ID"]);
/// assert_eq!(ProductsListSort::ALL.len(), 2);
/// ```
#[macro_export]
macro_rules! sort_fields {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $property:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )*
        }

        impl $name {
            /// Every property, as OrderCloud names them.
            pub const ALL: &'static [&'static str] = &[$($property),*];

            /// The property, as OrderCloud names it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $property, )*
                }
            }

            /// Sorted by it, ascending.
            pub const fn ascending(self) -> $crate::SortBy {
                $crate::SortBy::ascending(self.as_str())
            }

            /// Sorted by it, descending.
            pub const fn descending(self) -> $crate::SortBy {
                $crate::SortBy::descending(self.as_str())
            }
        }

        impl ::core::convert::From<$name> for ::std::string::String {
            /// The property, sorted ascending.
            fn from(property: $name) -> ::std::string::String {
                property.as_str().to_owned()
            }
        }
    };
}

/// The options of a list call: page, page size, search, sort and filters.
///
/// Filters take any property, `xp.*` included. [`filter_with`](Self::filter_with) takes a
/// typed [`Filter`] (`Filter::ge("Price", 10)`), which writes OrderCloud's syntax for you and
/// refuses a value the syntax cannot express exactly; [`filter`](Self::filter) takes the raw
/// text, whose operators pass through as written: `!` (not), `<`, `>`, `*` (wildcard) and
/// `|` (or). Several filters on one property are all sent (a repeated key means "and"). On
/// the wire the options are the query parameters `page`, `pageSize`, `search`, `searchOn`
/// and `sortBy` (lists joined with commas) and one `name=value` per filter; the transport
/// percent-encodes each name and value, and never drops a `0` or a `false`.
///
/// ```
/// use ordercloud_models::ListOptions;
///
/// let options = ListOptions::new()
///     .page_size(100)
///     .search("bike")
///     .search_on(["Name", "Description"])
///     .sort_by(["!DateCreated"])
///     .filter("xp.Color", "red|blue")
///     .filter("Price", ">10");
/// let pairs: Vec<(&str, String)> = options.query_pairs().collect();
/// assert_eq!(pairs[0], ("pageSize", "100".to_owned()));
/// assert_eq!(pairs[2], ("searchOn", "Name,Description".to_owned()));
/// assert_eq!(pairs[4], ("xp.Color", "red|blue".to_owned()));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListOptions {
    /// The first typed filter that could not be written, reported when the options are sent.
    invalid: Option<FilterError>,
    /// The page to fetch, from 1; `None` for the server's default (the first).
    pub page: Option<u32>,
    /// How many items a page holds; `None` for the server's default.
    pub page_size: Option<u32>,
    /// Words to search for.
    pub search: Option<String>,
    /// The properties the search looks in.
    pub search_on: Vec<String>,
    /// The properties to sort by, each with `!` in front for descending order.
    pub sort_by: Vec<String>,
    /// `name=value` filters, in the order given.
    pub filters: Vec<(String, String)>,
}

impl ListOptions {
    /// No options: the server's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The page to fetch, from 1.
    #[must_use]
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// How many items a page holds (OrderCloud allows up to 100).
    #[must_use]
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Words to search for.
    #[must_use]
    pub fn search(mut self, search: impl Into<String>) -> Self {
        self.search = Some(search.into());
        self
    }

    /// The properties the search looks in.
    #[must_use]
    pub fn search_on<I: IntoIterator<Item = S>, S: Into<String>>(mut self, properties: I) -> Self {
        self.search_on = properties.into_iter().map(Into::into).collect();
        self
    }

    /// The properties to sort by; put `!` in front of one for descending order.
    #[must_use]
    pub fn sort_by<I: IntoIterator<Item = S>, S: Into<String>>(mut self, properties: I) -> Self {
        self.sort_by = properties.into_iter().map(Into::into).collect();
        self
    }

    /// Adds the filter `name=value`, such as `("xp.Color", "red|blue")` or `("Price", ">10")`.
    #[must_use]
    pub fn filter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.push((name.into(), value.into()));
        self
    }

    /// Adds a typed filter, such as `Filter::ge("Price", 10)` or
    /// `Filter::any_of("xp.Color", ["red", "blue"])`. A filter whose value OrderCloud's
    /// syntax cannot express exactly is kept out, and [`check`](Self::check) (which the
    /// transport calls before sending) reports it: nothing is sent as a different filter.
    #[must_use]
    pub fn filter_with(mut self, filter: Filter) -> Self {
        match filter.into_pair() {
            Ok(pair) => self.filters.push(pair),
            Err(error) => {
                self.invalid.get_or_insert(error);
            }
        }
        self
    }

    /// The first filter that cannot be sent, if any: a typed filter that could not be
    /// written, or a filter named like a list parameter (`page`, `pageSize`, `search`,
    /// `searchOn`, `sortBy`, `pageKey`, in any letter case, as OrderCloud reads names), which
    /// OrderCloud would take for that parameter.
    pub fn check(&self) -> Result<(), FilterError> {
        self.check_against(&ListFields::ANY)
    }

    /// Like [`check`](Self::check), against what one list operation takes (`fields`, which
    /// generated list operations give the transport): also refuses a filter named like one
    /// of the operation's own query parameters (`catalogID` on `Products.List`...), a filter
    /// on a property the listed model does not have (`xp.` paths are free), and a sort or a
    /// search on a property the list does not sort or search.
    pub fn check_against(&self, fields: &ListFields) -> Result<(), FilterError> {
        if let Some(invalid) = &self.invalid {
            return Err(invalid.clone());
        }
        let named = |names: &[&str], field: &str| names.iter().any(|name| name.eq_ignore_ascii_case(field));
        for (field, _) in &self.filters {
            if named(LIST_PARAMETERS, field) {
                return Err(FilterError::list_parameter(field));
            }
            if named(fields.own_parameters, field) {
                return Err(FilterError::own_parameter(field));
            }
            // `Inventory.QuantityAvailable` is a property of `Inventory`; `xp.` anything goes.
            let property = field.split('.').next().unwrap_or(field);
            if !fields.properties.is_empty()
                && !property.eq_ignore_ascii_case("xp")
                && !named(fields.properties, property)
            {
                return Err(FilterError::unknown_property(field));
            }
        }
        for sort in &self.sort_by {
            let property = sort.strip_prefix('!').unwrap_or(sort);
            if !fields.sortable.is_empty() && !named(fields.sortable, property) {
                return Err(FilterError::unknown_sort(property, fields.sortable));
            }
        }
        for property in &self.search_on {
            if !fields.searchable.is_empty() && !named(fields.searchable, property) {
                return Err(FilterError::unknown_search(property, fields.searchable));
            }
        }
        Ok(())
    }

    /// The query parameters, unencoded, in order; the page comes first when set. Empty
    /// lists and unset options are left out.
    pub fn query_pairs(&self) -> impl Iterator<Item = (&str, String)> + '_ {
        let page = self.page.map(|page| ("page", page.to_string()));
        page.into_iter().chain(self.query_pairs_without_page())
    }

    /// The query parameters other than `page`: what stays the same from page to page.
    pub fn query_pairs_without_page(&self) -> impl Iterator<Item = (&str, String)> + '_ {
        let joined = |name, values: &[String]| (!values.is_empty()).then(|| (name, values.join(",")));
        self.page_size
            .map(|size| ("pageSize", size.to_string()))
            .into_iter()
            .chain(self.search.clone().map(|search| ("search", search)))
            .chain(joined("searchOn", &self.search_on))
            .chain(joined("sortBy", &self.sort_by))
            .chain(self.filters.iter().map(|(name, value)| (name.as_str(), value.clone())))
    }
}

fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(deserializer: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn facet_meta_is_list_meta_and_facets_and_as_lenient() {
        let text =
            r#"{"Page":null,"PageSize":20,"TotalCount":41,"TotalPages":3,"ItemRange":null,"Facets":null,"Other":1}"#;
        let meta: MetaWithFacets = serde_json::from_str(text).unwrap();
        assert_eq!(meta.list, ListMeta::new(0, 20, 41, 3));
        assert!(meta.facets.is_empty());
        let meta = MetaWithFacets::new(2, 20, 41, 3, vec![ListFacet::default()]);
        let again: MetaWithFacets = serde_json::from_value(serde_json::to_value(&meta).unwrap()).unwrap();
        assert_eq!(again, meta);
        assert_eq!(serde_json::to_value(&meta).unwrap()["TotalCount"], 41);
    }

    #[test]
    fn meta_is_lenient() {
        let page: ListPage<u8> =
            serde_json::from_value(json!({"Meta": {"Page": null, "NextPageKey": "k2"}, "Items": null})).unwrap();
        assert_eq!(page.meta, ListMeta::default().with_next_page_key("k2"));
        assert!(page.items.is_empty());
        let page: ListPage<u8> = serde_json::from_value(json!({})).unwrap();
        assert_eq!(page, ListPage::default());
        let full = json!({"Meta": {"Page": 2, "PageSize": 20, "TotalCount": 41, "TotalPages": 3, "ItemRange": [21, 40]}, "Items": [1, 2]});
        let page: ListPage<u8> = serde_json::from_value(full.clone()).unwrap();
        assert_eq!(page.meta.item_range, [21, 40]);
        assert_eq!(serde_json::to_value(&page).unwrap(), full);
    }

    #[test]
    fn options_become_query_pairs_in_order() {
        let options =
            ListOptions::new().page(3).sort_by(["Name", "!ID"]).filter("Active", "true").filter("xp.Size", "L*");
        let pairs: Vec<_> = options.query_pairs().collect();
        assert_eq!(
            pairs,
            [
                ("page", "3".to_owned()),
                ("sortBy", "Name,!ID".to_owned()),
                ("Active", "true".to_owned()),
                ("xp.Size", "L*".to_owned())
            ]
        );
        assert_eq!(options.query_pairs_without_page().count(), 3);
        assert_eq!(ListOptions::new().query_pairs().count(), 0);
    }

    #[test]
    fn a_filter_named_like_a_parameter_is_refused() {
        let colliding = ListOptions::new().page(2).filter_with(crate::Filter::eq("page", 7));
        assert_eq!(
            colliding.check().unwrap_err().to_string(),
            "the filter on page cannot be sent: OrderCloud would read it as the list parameter of that name; set that with ListOptions"
        );
        for name in ["PageSize", "search", "SEARCHON", "sortBy", "pageKey"] {
            assert_eq!(ListOptions::new().filter(name, "x").check().unwrap_err().field(), name);
        }
        let own = ListOptions::new().filter("catalogid", "c1");
        assert!(own.check().is_ok(), "a property for lists without such a parameter");
        let products = ListFields {
            own_parameters: &["catalogID", "categoryID"],
            sortable: &["OwnerID", "Name", "ID"],
            searchable: &["ID", "Name", "Description"],
            properties: &["ID", "Name", "Inventory", "xp"],
        };
        let error = own.check_against(&products).unwrap_err();
        assert_eq!(error.field(), "catalogid");
        assert!(error.to_string().contains("the operation's query parameter"), "{error}");
        let fine = ListOptions::new()
            .filter("name", "Bike*")
            .filter("Inventory.QuantityAvailable", ">0")
            .filter("xp.Anything.Deep", "1")
            .sort_by(["!name", "ID"])
            .search_on(["Description"]);
        assert_eq!(fine.check_against(&products), Ok(()));
        let typo = ListOptions::new().filter("Nmae", "Bike");
        assert!(typo.check_against(&products).unwrap_err().to_string().contains("no such property"));
        assert!(typo.check().is_ok(), "nothing known: any property goes");
        assert_eq!(
            ListOptions::new().sort_by(["!Price"]).check_against(&products).unwrap_err().to_string(),
            "the list cannot be sorted by Price: it sorts by OwnerID, Name, ID"
        );
        assert_eq!(
            ListOptions::new().search_on(["xp.Color"]).check_against(&products).unwrap_err().to_string(),
            "the list cannot be searched in xp.Color: it searches ID, Name, Description"
        );
    }
}
