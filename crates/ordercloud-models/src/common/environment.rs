//! The OrderCloud environments.

crate::open_enum! {
    /// An OrderCloud environment. With a region it names an API host (see
    /// `ordercloud_transport::Region`), and message-sender payloads say which one sent them.
    pub enum Environment {
        /// Sandbox: for development.
        Sandbox = "Sandbox",
        /// Staging: for testing before release.
        Staging = "Staging",
        /// Production.
        Production = "Production",
    }
}
