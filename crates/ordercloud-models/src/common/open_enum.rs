//! `open_enum!`: a string enum that keeps values it does not know.
//!
//! OrderCloud adds message types, environments and error codes over time. A closed enum
//! would make a new value a deserialization error; these enums keep it in `Other`.

/// Declares a string enum that keeps values it does not know: the one way OrderCloud crates
/// model an open set (error codes, message types, order statuses...).
///
/// Each variant names its exact JSON text. The enum gets an `Other(String)` variant for any
/// other text, `as_str`, `is_known`, `From<&str>`, `From<String>`, `Display`, comparison
/// with `&str`, and serde support (a string either way). The caller's crate needs `serde`
/// only through this crate.
///
/// ```
/// ordercloud_models::open_enum! {
///     /// An order's status.
///     pub enum OrderStatus {
///         /// Not yet submitted.
///         Unsubmitted = "Unsubmitted",
///         /// Submitted and awaiting approval.
///         AwaitingApproval = "AwaitingApproval",
///     }
/// }
///
/// let status: OrderStatus = serde_json::from_str("\"AwaitingApproval\"")?;
/// assert_eq!(status, OrderStatus::AwaitingApproval);
/// let new: OrderStatus = serde_json::from_str("\"Teleported\"")?;
/// assert_eq!(new.as_str(), "Teleported");
/// assert!(!new.is_known());
/// assert_eq!(serde_json::to_string(&new)?, "\"Teleported\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept as sent.
            ///
            /// Build values with `From<&str>` rather than this variant: it maps known text
            /// to its named variant, so comparisons stay exact.
            Other(String),
        }

        impl $name {
            /// The value as it appears in OrderCloud's JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(text) => text,
                }
            }

            /// Whether this value is one this version knows by name.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match Self::from(text.as_str()) {
                    Self::Other(_) => Self::Other(text),
                    known => known,
                }
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as $crate::__private::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}
