import Foundation

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

/// The JSON Schema of `incident.level_changed` events' `data`
/// (`urn:complaint-gateway:schema:incident-level-v1`), served at
/// `/schemas/incident-level-v1.json`: the OpenAPI document's
/// `IncidentLevelChange`, so there is one definition.
enum IncidentLevelSchemaDocument {
    static let json: String = {
        guard let document = try? JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any],
              let components = document["components"] as? [String: Any], let schemas = components["schemas"] as? [String: Any],
              var schema = schemas["IncidentLevelChange"] as? [String: Any] else {
            return #"{"error":"the OpenAPI document has no IncidentLevelChange schema"}"#
        }
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = "incident.level_changed data"
        let data = (try? JSONSerialization.data(withJSONObject: schema, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }()
}
