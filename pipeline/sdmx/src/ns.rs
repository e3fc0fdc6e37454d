//! SDMX-ML 2.1 and 3.0 namespace URIs (SDMX-ML 2.1 Section 3A; SDMX-ML 3.0).
//!
//! Readers match elements by these URIs, never by prefix; writers bind them to
//! the conventional prefixes (`message`, `ss`, `common`, `structure`).

/// `message:` — message envelopes and headers.
pub const MESSAGE: &str = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message";
/// `common:` — types shared by all messages.
pub const COMMON: &str = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common";
/// `structure:` — structural metadata (codelists, DSDs, …).
pub const STRUCTURE: &str = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure";
/// `ss:` — structure-specific data.
pub const STRUCTURE_SPECIFIC: &str =
    "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific";
/// `generic:` — generic data.
pub const GENERIC: &str = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic";
/// `xsi:` — XML Schema instance.
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// `xs:` — XML Schema.
pub const XS: &str = "http://www.w3.org/2001/XMLSchema";

/// SDMX-ML 3.0 `message:` namespace.
pub const MESSAGE_30: &str = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message";
/// SDMX-ML 3.0 `common:` namespace.
pub const COMMON_30: &str = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common";
/// SDMX-ML 3.0 `ss:` (structure-specific data) namespace.
pub const STRUCTURE_SPECIFIC_30: &str =
    "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/data/structurespecific";
