//! `Region`: where an OrderCloud marketplace lives, and with an environment, its API host.

use ordercloud_models::Environment;

/// The region of an OrderCloud marketplace. With an [`Environment`] it names the API host
/// ([`base_url`](Self::base_url)); give both to
/// [`ApiClientBuilder::region`](crate::ApiClientBuilder::region).
///
/// ```
/// use ordercloud_models::Environment;
/// use ordercloud_transport::Region;
///
/// assert_eq!(Region::UsWest.base_url(&Environment::Production), Some("https://api.ordercloud.io"));
/// assert_eq!(Region::EuropeWest.base_url(&Environment::Sandbox), Some("https://westeurope-sandbox.ordercloud.io"));
/// assert_eq!(Region::UsEast.base_url(&Environment::from("Moon")), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// US West, the default region.
    #[default]
    UsWest,
    /// US East.
    UsEast,
    /// Australia East.
    AustraliaEast,
    /// Europe West.
    EuropeWest,
    /// Japan East.
    JapanEast,
}

impl Region {
    /// Every region, in the order of OrderCloud's host table.
    pub const ALL: [Region; 5] = [Self::UsWest, Self::UsEast, Self::AustraliaEast, Self::EuropeWest, Self::JapanEast];

    /// The API host of this region's `environment`; `None` for an environment this version
    /// does not know.
    pub fn base_url(self, environment: &Environment) -> Option<&'static str> {
        use Environment::{Production, Sandbox, Staging};
        Some(match (self, environment) {
            (Self::UsWest, Production) => "https://api.ordercloud.io",
            (Self::UsWest, Staging) => "https://stagingapi.ordercloud.io",
            (Self::UsWest, Sandbox) => "https://sandboxapi.ordercloud.io",
            (Self::UsEast, Production) => "https://useast-production.ordercloud.io",
            (Self::UsEast, Staging) => "https://useast-staging.ordercloud.io",
            (Self::UsEast, Sandbox) => "https://useast-sandbox.ordercloud.io",
            (Self::AustraliaEast, Production) => "https://australiaeast-production.ordercloud.io",
            (Self::AustraliaEast, Staging) => "https://australiaeast-staging.ordercloud.io",
            (Self::AustraliaEast, Sandbox) => "https://australiaeast-sandbox.ordercloud.io",
            (Self::EuropeWest, Production) => "https://westeurope-production.ordercloud.io",
            (Self::EuropeWest, Staging) => "https://westeurope-staging.ordercloud.io",
            (Self::EuropeWest, Sandbox) => "https://westeurope-sandbox.ordercloud.io",
            (Self::JapanEast, Production) => "https://japaneast-production.ordercloud.io",
            (Self::JapanEast, Staging) => "https://japaneast-staging.ordercloud.io",
            (Self::JapanEast, Sandbox) => "https://japaneast-sandbox.ordercloud.io",
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_and_environment_has_a_distinct_https_host() {
        let mut hosts = Vec::new();
        for region in Region::ALL {
            for environment in [Environment::Sandbox, Environment::Staging, Environment::Production] {
                let host = region.base_url(&environment).unwrap();
                assert!(host.starts_with("https://") && host.ends_with(".ordercloud.io"), "{host}");
                hosts.push(host);
            }
        }
        hosts.sort_unstable();
        hosts.dedup();
        assert_eq!(hosts.len(), 15);
        assert_eq!(Region::default().base_url(&Environment::Production), Some(crate::DEFAULT_BASE_URL));
    }
}
