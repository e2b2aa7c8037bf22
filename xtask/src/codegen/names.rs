//! Names: OrderCloud's (`ShipFromAddressID`, `ListAssignments`) as Rust's.

/// The crate of each section, by the section's `x-id`: `ordercloud-<suffix>`.
pub(crate) fn crate_suffix(section_id: &str) -> Option<&'static str> {
    Some(match section_id {
        "AuthenticationAndAuthorization" => "security",
        "Seller" => "seller",
        "Buyers" => "buyers",
        "Suppliers" => "suppliers",
        "ProductCatalogs" => "catalogs",
        "OrdersAndFulfillment" => "orders",
        "MeAndMyStuff" => "me",
        "Integrations" => "integrations",
        _ => return None,
    })
}

/// `ShipFromAddressID` as `ship_from_address_id`, `XpPath` as `xp_path`, `URL` as `url`.
pub(crate) fn snake_case(name: &str) -> String {
    let characters: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (index, &character) in characters.iter().enumerate() {
        if character.is_ascii_uppercase() {
            let previous = index.checked_sub(1).map(|before| characters[before]);
            let next = characters.get(index + 1);
            let starts_word = match previous {
                None => false,
                Some(previous) if previous.is_ascii_lowercase() || previous.is_ascii_digit() => true,
                // The last capital of an acronym before a word: `IDPClient` -> `idp_client`;
                // but not before the `s` of a plural acronym: `ApiClientIDs` -> `api_client_ids`.
                Some(previous) if previous.is_ascii_uppercase() => {
                    let plural = next == Some(&'s') && !characters.get(index + 2).is_some_and(char::is_ascii_lowercase);
                    next.is_some_and(char::is_ascii_lowercase) && !plural
                }
                Some(_) => false,
            };
            if starts_word && !out.ends_with('_') {
                out.push('_');
            }
            out.push(character.to_ascii_lowercase());
        } else if character.is_ascii_alphanumeric() {
            out.push(character);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out
}

/// `ship-from-address-id`: the API reference's names in its addresses.
pub(crate) fn kebab_case(name: &str) -> String {
    name.split_whitespace().map(|word| snake_case(word).replace('_', "-")).collect::<Vec<_>>().join("-")
}

/// `name` as an identifier: a keyword is written raw (`r#type`, `r#move`).
pub(crate) fn ident(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum", "extern",
        "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move",
        "mut", "override", "priv", "pub", "ref", "return", "static", "struct", "trait", "true", "try", "type",
        "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "abstract", "become",
    ];
    if KEYWORDS.contains(&name) { format!("r#{name}") } else { name.to_owned() }
}

/// `SHIP_FROM_ADDRESS_ID`.
pub(crate) fn screaming(name: &str) -> String {
    snake_case(name).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_snake_case() {
        for (name, snake) in [
            ("ShipFromAddressID", "ship_from_address_id"),
            ("ID", "id"),
            ("URL", "url"),
            ("xp", "xp"),
            ("XpPath", "xp_path"),
            ("ClientID", "client_id"),
            ("ApiClientIDs", "api_client_ids"),
            ("RemainingLineItemIDs", "remaining_line_item_ids"),
            ("IDsOfThings", "ids_of_things"),
            ("IDPClientID", "idp_client_id"),
            ("PONumber", "po_number"),
            ("access_token", "access_token"),
            ("ListCCListenerAssignments", "list_cc_listener_assignments"),
            ("creditcardID", "creditcard_id"),
            ("LineItems", "line_items"),
            ("Me", "me"),
            ("Shipping2Address", "shipping2_address"),
        ] {
            assert_eq!(snake_case(name), snake, "{name}");
        }
        assert_eq!(kebab_case("Security Profiles"), "security-profiles");
        assert_eq!(kebab_case("GetPublicKey"), "get-public-key");
        assert_eq!(kebab_case("Me and My Stuff"), "me-and-my-stuff");
        assert_eq!(ident("type"), "r#type");
        assert_eq!(ident("list"), "list");
    }
}
