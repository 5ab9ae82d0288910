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

/// The JSON Schemas of the non-complaint events' `data`, cut from the
/// OpenAPI document's components so there is one definition:
/// `incident.level_changed` (`urn:complaint-gateway:schema:incident-level-v1`,
/// served at `/schemas/incident-level-v1.json`) and `customer.*`
/// (`urn:complaint-gateway:schema:customer-signal-v1`, at
/// `/schemas/customer-signal-v1.json`).
enum EventSchemaDocument {
    static let incidentLevel = schema("IncidentLevelChange", title: "incident.level_changed data")
    static let customerSignal = schema("CustomerSignal", title: "customer.repeat and customer.escalation_risk data")

    static func schema(_ name: String, title: String) -> String {
        guard let document = try? JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any],
              let components = document["components"] as? [String: Any], let schemas = components["schemas"] as? [String: Any],
              var schema = schemas[name] as? [String: Any] else {
            return #"{"error":"the OpenAPI document has no \#(name) schema"}"#
        }
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = title
        let data = (try? JSONSerialization.data(withJSONObject: schema, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
