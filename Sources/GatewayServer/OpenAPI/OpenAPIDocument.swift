/// The OpenAPI 3.1 document of the HTTP API, served at `/openapi.json`.
///
/// `openapi.json` beside this file is written by `scripts/gen-openapi.py` (the
/// source of truth; never edit the JSON) and compiled in by SwiftPM
/// (`.embedInCode`), so the binary needs no resource files at run time.
enum OpenAPIDocument {
    static let json = String(decoding: PackageResources.openapi_json, as: UTF8.self)
}

/// `schema/complaint-v1.schema.json` (linked beside this file), served at
/// `/schemas/complaint-v1.json`.
enum ComplaintSchemaDocument {
    static let json = String(decoding: PackageResources.complaint_v1_schema_json, as: UTF8.self)
}
