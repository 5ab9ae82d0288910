#!/usr/bin/env python3
"""Writes the OpenAPI 3.1 document of the gateway's HTTP API.

THIS SCRIPT IS THE SOURCE OF TRUTH of the API's description: edit the dict
below, never the JSON it writes. It writes one file,
Sources/GatewayServer/OpenAPI/openapi.json, which SwiftPM compiles into the
binary (`.embedInCode` in Package.swift; `serve` answers it at /openapi.json)
and which docs/openapi.json links to. The complaint schema is embedded from
schema/complaint-v1.schema.json. Run it after changing the API; with --check
(OpenAPIContractTests runs it) it fails when the file is stale.
"""
import json, os, sys

root = os.path.join(os.path.dirname(__file__), "..")
complaint = json.load(open(os.path.join(root, "schema/complaint-v1.schema.json")))
complaint_id = complaint["$id"]
# Embedded under components: its own $id and $schema go, and its "#/$defs/..."
# references are re-rooted, so every OpenAPI tool resolves them.
complaint.pop("$id", None)
complaint.pop("$schema", None)
def reroot(node):
    if isinstance(node, dict):
        return {k: (v.replace("#/$defs/", "#/components/schemas/Complaint/$defs/") if k == "$ref" else reroot(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [reroot(v) for v in node]
    return node
complaint = reroot(complaint)

def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}

def json_response(description, schema, headers=None):
    r = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        r["headers"] = headers
    return r

def error(description):
    return json_response(description, ref("Error"))

retry_after = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}}}
bearer = [{"bearer": []}]
store_id_header = {"Complaint-Gateway-Store-Id": {"description": "The store's identity (as store_id).", "schema": {"type": "string"}}}
feed_params = [
    {"name": "channel", "in": "query", "schema": {"type": "string"}, "description": "Only this channel's complaints."},
    {"name": "status", "in": "query", "schema": {"enum": ["unique", "duplicate", "near_duplicate"]}, "description": "Only complaints with this dedup.status."},
    {"name": "include_duplicates", "in": "query", "schema": {"enum": ["true", "false", "1", "0"]}, "description": "false leaves out complaints marked duplicate or near_duplicate (default true)."},
    {"name": "include_automated", "in": "query", "schema": {"enum": ["true", "false", "1", "0"]}, "description": "false leaves out complaints a machine sent: bounces, auto-replies, list mail (automated set; default true)."},
]

doc = {
    "openapi": "3.1.0",
    "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
    "info": {
        "title": "Complaint Gateway",
        "version": "1",
        "description": "Form intake, the normalized complaint feed (pages, one complaint, Server-Sent Events; complaint revisions and incident level changes), the operator console's API and operations endpoints of `complaint-gateway serve`. Every error is `{\"error\": {\"code\", \"message\", \"fields\"?}}`.",
    },
    "servers": [{"url": "http://127.0.0.1:8080"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A [[token]] of channels.conf. Scopes: feed:read, forms:write, admin, pii."}},
        "schemas": {
            "Complaint": complaint,
            "Error": {
                "type": "object", "additionalProperties": False, "required": ["error"],
                "properties": {"error": {
                    "type": "object", "additionalProperties": False, "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string", "pattern": "^[a-z0-9_]+$"},
                        "message": {"type": "string"},
                        "fields": {"type": "array", "items": {
                            "type": "object", "additionalProperties": False, "required": ["field", "message"],
                            "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
                    }}},
            },
            "Accepted": {
                "type": "object", "additionalProperties": False, "required": ["id", "channel", "status"],
                "properties": {"id": {"type": "string"}, "channel": {"type": "string"}, "status": {"enum": ["accepted", "duplicate"]}},
            },
            "CloudEvent": {
                "description": "CloudEvents 1.0, structured mode (application/cloudevents+json): a complaint revision, or an incident cluster reaching a level.",
                "oneOf": [ref("ComplaintEvent"), ref("IncidentEvent"), ref("CustomerEvent")],
            },
            "ComplaintEvent": {
                "type": "object", "additionalProperties": False,
                "required": ["specversion", "id", "source", "type", "time", "datacontenttype", "dataschema", "sequence", "data"],
                "properties": {
                    "specversion": {"const": "1.0"},
                    "id": {"type": "string"},
                    "source": {"type": "string", "pattern": "^/channels/"},
                    "type": {"enum": ["complaint.received", "complaint.updated", "complaint.duplicate"]},
                    "time": {"type": "string", "format": "date-time"},
                    "datacontenttype": {"const": "application/json"},
                    "dataschema": {"const": complaint_id, "description": "The $id of the complaint/v1 schema, served at /schemas/complaint-v1.json."},
                    "sequence": {"type": "string", "pattern": "^[0-9]+$"},
                    "data": ref("Complaint"),
                },
            },
            "IncidentEvent": {
                "description": "A cluster of similar complaints reached an [incidents] level, or went up one. Written in the same transaction as the complaint that crossed the threshold.",
                "type": "object", "additionalProperties": False,
                "required": ["specversion", "id", "source", "subject", "type", "time", "datacontenttype", "dataschema", "sequence", "data"],
                "properties": {
                    "specversion": {"const": "1.0"},
                    "id": {"type": "string", "description": "incident.CLUSTER.LEVEL"},
                    "source": {"const": "/incidents"},
                    "subject": {"type": "string", "description": "The cluster's id."},
                    "type": {"const": "incident.level_changed"},
                    "time": {"type": "string", "format": "date-time"},
                    "datacontenttype": {"const": "application/json"},
                    "dataschema": {"const": "urn:complaint-gateway:schema:incident-level-v1"},
                    "sequence": {"type": "string", "pattern": "^[0-9]+$"},
                    "data": ref("IncidentLevelChange"),
                },
            },
            "IncidentLevelChange": {
                "$id": "urn:complaint-gateway:schema:incident-level-v1",
                "type": "object", "additionalProperties": False,
                "required": ["cluster", "level", "rank", "customers", "window_minutes", "complaints", "total_customers",
                             "first_seen", "last_seen", "channels", "samples"],
                "properties": {
                    "cluster": {"type": "string", "description": "The cluster's id: its first complaint's id (dedup.cluster of its complaints)."},
                    "level": {"type": "string"}, "previous_level": {"type": "string"},
                    "rank": {"type": "integer", "minimum": 1, "description": "1 for the lowest configured level."},
                    "customers": {"type": "integer", "minimum": 2, "description": "Distinct customers within the level's window."},
                    "window_minutes": {"type": "integer", "minimum": 1},
                    "complaints": {"type": "integer", "minimum": 2}, "total_customers": {"type": "integer", "minimum": 2},
                    "first_seen": {"type": "string", "format": "date-time"}, "last_seen": {"type": "string", "format": "date-time"},
                    "channels": {"type": "array", "items": {"type": "string"}},
                    "samples": {"type": "array", "items": {"type": "string"}, "description": "The first complaints' texts, personal data masked."},
                },
            },
            "CustomerEvent": {
                "description": "A person became a repeat complainant ([identity] repeat_complaints within repeat_window_days) or at risk of escalating (a repeat complainant, or escalation words such as 12315, 工信部, lawyer). Once per person, kind and window; written in the same transaction as the complaint that crossed the line. Carries no personal data: the person's identities are GET /v1/customers/{person} with pii.",
                "type": "object", "additionalProperties": False,
                "required": ["specversion", "id", "source", "subject", "type", "time", "datacontenttype", "dataschema", "sequence", "data"],
                "properties": {
                    "specversion": {"const": "1.0"},
                    "id": {"type": "string", "description": "TYPE.PERSON.COMPLAINT"},
                    "source": {"const": "/customers"},
                    "subject": {"type": "string", "description": "The person (customer.person)."},
                    "type": {"enum": ["customer.repeat", "customer.escalation_risk"]},
                    "time": {"type": "string", "format": "date-time"},
                    "datacontenttype": {"const": "application/json"},
                    "dataschema": {"const": "urn:complaint-gateway:schema:customer-signal-v1"},
                    "sequence": {"type": "string", "pattern": "^[0-9]+$"},
                    "data": ref("CustomerSignal"),
                },
            },
            "CustomerSignal": {
                "$id": "urn:complaint-gateway:schema:customer-signal-v1",
                "type": "object", "additionalProperties": False,
                "required": ["kind", "person", "complaint", "channel", "complaints_in_window", "window_days", "reasons", "at"],
                "properties": {
                    "kind": {"enum": ["customer.repeat", "customer.escalation_risk"]},
                    "person": {"type": "string", "pattern": "^p-[0-9a-f]{20}$", "description": "customer.person of the person's complaints."},
                    "complaint": {"type": "string", "description": "The complaint that crossed the line."},
                    "channel": {"type": "string", "description": "That complaint's channel."},
                    "complaints_in_window": {"type": "integer", "minimum": 1, "description": "The person's complaints within the window, this one included (counted up to 200)."},
                    "window_days": {"type": "integer", "minimum": 1},
                    "reasons": {"type": "array", "items": {"type": "string"}, "description": "repeat, and words: W1, W2 for the escalation words found."},
                    "at": {"type": "string", "format": "date-time", "description": "When that complaint was made."},
                },
            },
            "CustomerProfile": {
                "type": "object", "additionalProperties": False,
                "required": ["person", "identities", "complaints", "complaints_by_channel", "repeat", "complaints_in_window",
                             "escalation_risk", "escalation_reasons", "incidents", "recent"],
                "properties": {
                    "person": {"type": "string", "pattern": "^p-[0-9a-f]{20}$"},
                    "identities": {"type": "array", "items": {"type": "object", "additionalProperties": False, "required": ["key", "kind"],
                                   "properties": {"key": {"type": "string"}, "kind": {"enum": ["mobile", "phone", "landline", "email", "account", "handle"]}}}},
                    "complaints": {"type": "integer", "minimum": 0},
                    "complaints_by_channel": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "first_complaint_at": {"type": "string", "format": "date-time"},
                    "last_complaint_at": {"type": "string", "format": "date-time"},
                    "repeat": {"type": "boolean", "description": "At least [identity] repeat_complaints complaints within repeat_window_days of the last one."},
                    "complaints_in_window": {"type": "integer", "minimum": 0},
                    "escalation_risk": {"type": "boolean"},
                    "escalation_reasons": {"type": "array", "items": {"type": "string"}, "description": "`repeat`, and `words: …` for the escalation words found (12315, 工信部, 媒体, lawyer…)."},
                    "incidents": {"type": "array", "items": {"type": "object", "additionalProperties": False, "required": ["cluster", "level", "last_seen"],
                                  "properties": {"cluster": {"type": "string"}, "level": {"type": "string"}, "last_seen": {"type": "string", "format": "date-time"}}}},
                    "recent": {"type": "array", "items": {"type": "object", "additionalProperties": False, "required": ["id", "channel", "at", "status", "text"],
                               "properties": {"id": {"type": "string"}, "channel": {"type": "string"}, "at": {"type": "string", "format": "date-time"},
                                              "status": {"enum": ["unique", "duplicate", "near_duplicate"]}, "text": {"type": "string"}}}},
                },
            },
            "ConsoleChannels": {
                "type": "object", "additionalProperties": False, "required": ["generation", "levels", "channels"],
                "properties": {
                    "generation": {"type": "integer", "minimum": 0},
                    "levels": {"type": "array", "items": {"type": "object", "additionalProperties": False, "required": ["name", "customers", "minutes"],
                               "properties": {"name": {"type": "string"}, "customers": {"type": "integer"}, "minutes": {"type": "integer"}}}},
                    "channels": {"type": "array", "items": {
                        "type": "object", "additionalProperties": False,
                        "required": ["name", "type", "sources", "state", "complaints_last_hour", "complaints_last_day", "quarantined", "quarantined_last_day"],
                        "properties": {"name": {"type": "string"}, "type": {"type": "string"}, "sources": {"type": "array", "items": {"type": "string"}},
                                       "state": {"enum": ["running", "failing"]}, "last_error": {"type": "string"},
                                       "complaints_last_hour": {"type": "integer"}, "complaints_last_day": {"type": "integer"},
                                       "quarantined": {"type": "integer"}, "quarantined_last_day": {"type": "integer"},
                                       "last_input_at": {"type": "string", "format": "date-time"}}}},
                },
            },
            "ConsoleQuarantine": {
                "type": "object", "additionalProperties": False, "required": ["entries", "raw_downloadable"],
                "properties": {"raw_downloadable": {"type": "boolean", "description": "True with scope pii: only then may the raw inputs be downloaded."},
                               "entries": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False, "required": ["id", "channel", "raw_sha256", "reason", "excerpt_withheld", "created_at"],
                    "properties": {"id": {"type": "integer"}, "channel": {"type": "string"}, "raw_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                                   "location": {"type": "string"}, "reason": {"type": "string"}, "excerpt": {"type": "string"},
                                   "excerpt_withheld": {"type": "boolean", "description": "The entry has an excerpt (raw input) that only a token with scope pii sees."},
                                   "created_at": {"type": "string", "format": "date-time"}}}}},
            },
            "ConsoleReplayResult": {
                "type": "object", "additionalProperties": False,
                "required": ["dry_run", "inputs", "unchanged", "updated", "new", "still_failing", "skipped", "missing_objects", "unknown_channels", "diffs", "summary"],
                "properties": {"dry_run": {"type": "boolean"}, "inputs": {"type": "integer"}, "unchanged": {"type": "integer"},
                               "skipped": {"type": "integer", "description": "Records that are not complaints by the channel's rules."},
                               "updated": {"type": "integer"}, "new": {"type": "integer"}, "still_failing": {"type": "integer"},
                               "missing_objects": {"type": "integer"}, "unknown_channels": {"type": "array", "items": {"type": "string"}},
                               "diffs": {"type": "array", "items": {"type": "object", "required": ["complaint_id", "changes"],
                                         "properties": {"complaint_id": {"type": "string"}, "changes": {"type": "array", "items": ref("FieldChange")}}}},
                               "summary": {"type": "string"}},
            },
            "FieldChange": {
                "type": "object", "additionalProperties": False, "required": ["path", "old", "new"],
                "properties": {"path": {"type": "string"}, "old": {"type": "string"}, "new": {"type": "string"}},
            },
            "ConsoleIncident": {
                "type": "object", "additionalProperties": False,
                "required": ["cluster", "level", "rank", "customers", "window_minutes", "first_raised_at", "raised_at", "complaints",
                             "total_customers", "first_seen", "last_seen", "excerpt"],
                "properties": {"cluster": {"type": "string"}, "level": {"type": "string"}, "rank": {"type": "integer", "minimum": 1},
                               "customers": {"type": "integer"}, "window_minutes": {"type": "integer"},
                               "first_raised_at": {"type": "string", "format": "date-time"}, "raised_at": {"type": "string", "format": "date-time"},
                               "complaints": {"type": "integer"}, "total_customers": {"type": "integer"},
                               "first_seen": {"type": "string", "format": "date-time"}, "last_seen": {"type": "string", "format": "date-time"},
                               "excerpt": {"type": "string"}},
            },
            "ConsoleIncidents": {
                "type": "object", "additionalProperties": False, "required": ["incidents"],
                "properties": {"incidents": {"type": "array", "items": ref("ConsoleIncident")}},
            },
            "ConsoleIncidentDetail": {
                "type": "object", "additionalProperties": False, "required": ["incident", "channels", "bucket_minutes", "timeline", "locations", "complaints"],
                "properties": {
                    "incident": ref("ConsoleIncident"), "channels": {"type": "array", "items": {"type": "string"}},
                    "bucket_minutes": {"type": "integer", "minimum": 1},
                    "timeline": {"type": "array", "items": {"type": "object", "additionalProperties": False, "required": ["start", "complaints", "customers"],
                                 "properties": {"start": {"type": "string", "format": "date-time"}, "complaints": {"type": "integer"},
                                                "customers": {"type": "integer", "description": "Customers whose first complaint in the cluster fell in the bucket."}}}},
                    "locations": {"type": "array", "description": "The buildings, rooms and meters its complaints name, with how many distinct customers name each, most first.",
                                  "items": {"type": "object", "additionalProperties": False, "required": ["location", "customers"],
                                            "properties": {"location": {"type": "string"}, "customers": {"type": "integer", "minimum": 1}}}},
                    "complaints": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                   "required": ["id", "channel", "received_at", "customer", "text", "dedup_status"],
                                   "properties": {"id": {"type": "string"}, "channel": {"type": "string"}, "received_at": {"type": "string"},
                                                  "customer": {"type": "string"}, "text": {"type": "string"}, "dedup_status": {"type": "string"}}}},
                },
            },
            "ConsoleComplaint": {
                "type": "object", "additionalProperties": False,
                "required": ["id", "channel", "source_id", "body", "customer", "dedup_status", "person_evidence", "revisions", "raw_downloadable"],
                "properties": {
                    "id": {"type": "string"}, "channel": {"type": "string"}, "source_id": {"type": "string"}, "subject": {"type": "string"},
                    "body": {"type": "string"}, "customer": {"type": "object", "additionalProperties": {"type": "string"}},
                    "dedup_status": {"enum": ["unique", "duplicate", "near_duplicate"]}, "duplicate_of": {"type": "string"},
                    "score": {"type": "number"}, "cluster": {"type": "string"},
                    "person": {"type": "string", "description": "customer.person: the person this complaint belongs to (open it at /v1/console/customers/{person})."},
                    "person_evidence": {"type": "array", "description": "The identities that linked it, masked without pii.", "items": {
                        "type": "object", "additionalProperties": False, "required": ["key", "kind", "found_in"],
                        "properties": {"key": {"type": "string"}, "kind": {"type": "string"}, "found_in": {"type": "string"}}}},
                    "revisions": {"type": "array", "minItems": 1, "items": {"type": "object", "additionalProperties": False,
                                  "required": ["revision", "received_at", "raw_sha256", "changes"],
                                  "properties": {"revision": {"type": "integer", "minimum": 1}, "received_at": {"type": "string"},
                                                 "raw_sha256": {"type": "string"}, "raw_location": {"type": "string"},
                                                 "changes": {"type": "array", "items": ref("FieldChange")}}}},
                    "raw_downloadable": {"type": "boolean", "description": "True with scope pii: the raw input holds personal data as sent."},
                },
            },
            "ConsoleReplayJob": {
                "type": "object", "additionalProperties": False,
                "required": ["id", "state", "filter", "remaining_at_start", "inputs", "unchanged", "updated", "new", "still_failing", "skipped", "started_at"],
                "properties": {"id": {"type": "string"}, "state": {"enum": ["running", "finished", "failed"]},
                               "filter": {"type": "object", "additionalProperties": {"type": "string"}},
                               "remaining_at_start": {"type": "integer"}, "inputs": {"type": "integer"}, "unchanged": {"type": "integer"},
                               "updated": {"type": "integer"}, "new": {"type": "integer"}, "still_failing": {"type": "integer"},
                               "skipped": {"type": "integer"},
                               "error": {"type": "string"}, "started_at": {"type": "string", "format": "date-time"},
                               "finished_at": {"type": "string", "format": "date-time"}},
            },
            "Page": {
                "type": "object", "additionalProperties": False, "required": ["events", "next", "has_more", "store_id"],
                "properties": {"events": {"type": "array", "items": ref("CloudEvent")},
                               "next": {"type": "string", "pattern": "^[0-9]+$"}, "has_more": {"type": "boolean"},
                               "store_id": {"type": "string", "description": "The store's identity, random and fixed when the store is made. When it differs from the one a consumer paged with, the store was reset or restored: page again from after=0."}},
            },
            "ComplaintDetail": {
                "type": "object", "additionalProperties": False, "required": ["complaint", "revisions"],
                "properties": {"complaint": ref("Complaint"), "revisions": {"type": "array", "items": ref("Complaint"), "minItems": 1}},
            },
            "Status": {
                "type": "object", "additionalProperties": False, "required": ["status"],
                "properties": {"status": {"enum": ["ok", "ready", "degraded", "not_ready"]},
                               "checks": {"type": "object", "additionalProperties": {"type": "string"}},
                               "channels": {"type": "object", "description": "Per channel: ok, or why it cannot take input (a missing drop folder).",
                                            "additionalProperties": {"type": "string"}}},
            },
            "ConfigProblem": {
                "type": "object", "additionalProperties": False, "required": ["file", "message", "text"],
                "properties": {"file": {"type": "string"}, "line": {"type": "integer", "minimum": 1}, "key": {"type": "string"},
                               "message": {"type": "string"}, "text": {"type": "string", "description": "As `check` prints it."}},
            },
            "ReloadOutcome": {
                "type": "object", "additionalProperties": False,
                "required": ["applied", "generation", "added", "removed", "changed", "restart_required", "problems"],
                "properties": {"applied": {"type": "boolean"}, "generation": {"type": "integer", "minimum": 0},
                               "added": {"type": "array", "items": {"type": "string"}},
                               "removed": {"type": "array", "items": {"type": "string"}},
                               "changed": {"type": "array", "items": {"type": "string"}},
                               "restart_required": {"type": "array", "items": {"enum": ["server", "storage", "archive", "dedup", "incidents"]}},
                               "problems": {"type": "array", "items": ref("ConfigProblem")}},
            },
        },
    },
    "paths": {
        "/v1/forms/{channel}": {
            "parameters": [{"name": "channel", "in": "path", "required": True, "schema": {"type": "string"}}],
            "post": {
                "summary": "Submit a form to a web_form channel",
                "description": "202 only after the raw body is archived and the complaint committed.",
                "parameters": [
                    {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 255}},
                    {"name": "X-Signature", "in": "header", "schema": {"type": "string", "pattern": "^sha256=[0-9a-fA-F]{64}$"}},
                ],
                "requestBody": {"required": True, "content": {
                    "application/x-www-form-urlencoded": {"schema": {"type": "object", "additionalProperties": {"type": "string"}}},
                    "multipart/form-data": {"schema": {"type": "object"}},
                    "application/json": {"schema": {"type": "object"}},
                }},
                "responses": {
                    "202": json_response("Accepted (or a repeat of an accepted submission).", ref("Accepted")),
                    "303": {"description": "Browsers (Accept: text/html) go to the channel's thank_you_url.",
                            "headers": {"Location": {"schema": {"type": "string"}}}},
                    "400": error("Malformed body or bad Idempotency-Key."),
                    "401": error("Signature or token missing or wrong."),
                    "403": error("Origin not allowed, or token without forms:write."),
                    "404": error("No such form channel."),
                    "413": error("Body over the channel's max_body_bytes."),
                    "415": error("Unsupported Content-Type."),
                    "422": error("Invalid fields (listed), or Idempotency-Key reused with another body."),
                    "429": json_response("Rate limited.", ref("Error"), retry_after),
                    "503": json_response("Store or archive unavailable; nothing accepted.", ref("Error"), retry_after),
                },
            },
            "options": {"summary": "CORS preflight", "responses": {"204": {"description": "Allowed."}, "403": error("Origin not allowed.")}},
        },
        "/v1/complaints": {
            "get": {
                "summary": "A page of the feed, in feed order",
                "security": bearer,
                "parameters": [
                    {"name": "after", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+$"}, "description": "The next cursor of the previous page; 0 to start."},
                    {"name": "limit", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+$"}, "description": "1 to 1000, default 100."},
                ] + feed_params,
                "responses": {"200": json_response("A page.", ref("Page"), store_id_header),
                              "400": error("Bad parameter, or cursor_past_end: after is beyond the newest event (the store was reset or restored, or the cursor is another gateway's)."),
                              "401": error("No or unknown token."), "403": error("Token lacks feed:read."),
                              "404": error("channel names no configured channel and none with stored complaints.")},
            }
        },
        "/v1/complaints/{id}": {
            "get": {
                "summary": "One complaint with its revisions, newest first",
                "security": bearer,
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": json_response("The complaint.", ref("ComplaintDetail")), "401": error("No or unknown token."),
                              "403": error("Token lacks feed:read."), "404": error("Unknown id.")},
            }
        },
        "/v1/customers/{key}": {
            "get": {
                "summary": "A complainant's profile: one person across channels",
                "description": "`key` is a person key (customer.person) or an identity as written: +8613800138000, li@example.cn, phone:/email:/account:/handle: and the value, or an account id. Identities and texts are masked without scope pii. Counts cover complaints with text.",
                "security": bearer,
                "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 320}}],
                "responses": {"200": json_response("The profile.", ref("CustomerProfile")), "400": error("Empty or too long key."),
                              "401": error("No or unknown token."), "403": error("Token lacks feed:read."),
                              "404": error("No person is linked to the key (a landline, a placeholder or a shared key links nobody).")},
            }
        },
        "/v1/stream": {
            "get": {
                "summary": "The feed as Server-Sent Events",
                "description": "First an event `feed.opened` without an id, whose data is `{\"store_id\", \"latest_sequence\"}` (compare store_id with the one the cursor came from). Then each event: `id` = cursor, `event` = CloudEvents type, `data` = the CloudEvent. Resume with Last-Event-ID. Idle streams get `: heartbeat` comments.",
                "security": bearer,
                "parameters": [
                    {"name": "Last-Event-ID", "in": "header", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
                    {"name": "after", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
                ] + feed_params,
                "responses": {"200": {"description": "The stream.", "headers": store_id_header, "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                              "400": error("Bad parameter, or cursor_past_end (as for pages)."), "401": error("No or unknown token."), "403": error("Token lacks feed:read.")},
            }
        },
        "/v1/admin/reload": {
            "post": {
                "summary": "Re-read channels.conf (as SIGHUP does)",
                "description": "The file is validated whole first; with any problem the running configuration stays (422). Channels, tokens and sinks are applied; [server], [storage], [archive], [dedup] and [incidents] only at the next start (listed in restart_required).",
                "security": bearer,
                "responses": {"200": json_response("Applied.", ref("ReloadOutcome")),
                              "422": json_response("Not applied: the file has problems.", ref("ReloadOutcome")),
                              "401": error("No or unknown token."), "403": error("Token lacks admin."),
                              "503": error("Started without a file to reload.")},
            }
        },
        "/console": {"get": {"summary": "The operator console (HTML)", "description": "Needs a session (sign in at /console/login) or a bearer token with scope admin; without one, 401 with the sign-in form.", "responses": {
            "200": {"description": "The console page.", "content": {"text/html": {"schema": {"type": "string"}}}},
            "401": {"description": "The sign-in form.", "content": {"text/html": {"schema": {"type": "string"}}}},
            "403": {"description": "The token lacks admin.", "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        "/console/login": {
            "get": {"summary": "The sign-in form", "responses": {"200": {"description": "The form.", "content": {"text/html": {"schema": {"type": "string"}}}}}},
            "post": {"summary": "Sign in with a token that has scope admin", "description": "Sets an HttpOnly, SameSite=Strict session cookie (the token itself never reaches the browser) and redirects to /console.",
                     "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}}}}},
                     "responses": {"303": {"description": "Signed in.", "headers": {"Set-Cookie": {"schema": {"type": "string"}}, "Location": {"schema": {"type": "string"}}}},
                                   "401": {"description": "Unknown token.", "content": {"text/html": {"schema": {"type": "string"}}}},
                                   "403": {"description": "The token lacks admin.", "content": {"text/html": {"schema": {"type": "string"}}}}}},
        },
        "/console/logout": {"post": {"summary": "End the session", "responses": {"303": {"description": "Signed out.", "headers": {"Location": {"schema": {"type": "string"}}}}}}},
        "/v1/console/channels": {"get": {"summary": "Each channel's type, sources, state, recent counts and last input; the [incidents] levels", "security": bearer,
            "responses": {"200": json_response("Channels.", ref("ConsoleChannels")), "401": error("No session or token."), "403": error("Token lacks admin.")}}},
        "/v1/console/reload": {"post": {"summary": "Reload channels.conf (as POST /v1/admin/reload)", "description": "With a session, send X-Console-Request: 1.", "security": bearer,
            "responses": {"200": json_response("Applied.", ref("ReloadOutcome")), "422": json_response("Not applied.", ref("ReloadOutcome")),
                          "401": error("No session or token."), "403": error("Token lacks admin, or X-Console-Request missing."), "503": error("Started without a file to reload.")}}},
        "/v1/console/quarantine": {"get": {"summary": "Quarantine entries, newest first (masked without scope pii)", "security": bearer,
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+$"}}],
            "responses": {"200": json_response("Entries.", ref("ConsoleQuarantine")), "400": error("Bad parameter."), "401": error("No session or token."), "403": error("Token lacks admin.")}}},
        "/v1/console/raw/{sha256}": {"get": {"summary": "An archived raw input (scope admin and pii)", "security": bearer,
            "parameters": [{"name": "sha256", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The bytes as received.", "content": {"application/octet-stream": {"schema": {"type": "string"}}}},
                          "400": error("Not a SHA-256."), "401": error("No session or token."), "403": error("Token lacks admin or pii."), "404": error("Not archived.")}}},
        "/v1/console/quarantine/{sha256}/replay": {"post": {"summary": "Replay one archived input: a dry run by default, dry_run=false to write", "security": bearer,
            "parameters": [{"name": "sha256", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "dry_run", "in": "query", "schema": {"enum": ["true", "false"]}},
                           {"name": "channel", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": json_response("What the replay did (or would do).", ref("ConsoleReplayResult")), "400": error("Not a SHA-256."),
                          "401": error("No session or token."), "403": error("Token lacks admin, or X-Console-Request missing."), "404": error("No such input or channel.")}}},
        "/v1/console/incidents": {"get": {"summary": "Clusters with an incident level active within `hours` (default 24), highest level first", "security": bearer,
            "parameters": [{"name": "hours", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+$"}}, {"name": "limit", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+$"}}],
            "responses": {"200": json_response("Incidents.", ref("ConsoleIncidents")), "400": error("Bad parameter."), "401": error("No session or token."), "403": error("Token lacks admin.")}}},
        "/v1/console/incidents/{cluster}": {"get": {"summary": "One incident: timeline, channels, newest complaints", "security": bearer,
            "parameters": [{"name": "cluster", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "bucket_minutes", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
                           {"name": "limit", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]+$"}}],
            "responses": {"200": json_response("The incident.", ref("ConsoleIncidentDetail")), "400": error("Bad parameter."), "401": error("No session or token."),
                          "403": error("Token lacks admin."), "404": error("No incident cluster with this id.")}}},
        "/v1/console/complaints/{id}": {"get": {"summary": "A complaint: every revision with its changes, the dedup verdict, the raw input", "security": bearer,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": json_response("The complaint.", ref("ConsoleComplaint")), "401": error("No session or token."), "403": error("Token lacks admin."), "404": error("Unknown id.")}}},
        "/v1/console/customers/{key}": {"get": {"summary": "A complainant's profile, as GET /v1/customers/{key} (identities and texts masked without pii)", "security": bearer,
            "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 320}}],
            "responses": {"200": json_response("The profile.", ref("CustomerProfile")), "400": error("Empty or too long key."), "401": error("No session or token."),
                          "403": error("Token lacks admin."), "404": error("No person is linked to that key.")}}},
        "/v1/console/replays": {"post": {"summary": "Replay with the CLI's filters: a dry run answered at once, or a run started in the background", "security": bearer,
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {
                "channel": {"type": ["string", "null"]}, "since": {"type": ["string", "null"], "description": "A date or an RFC 3339 time."},
                "quarantined": {"type": "boolean"}, "dry_run": {"type": "boolean", "default": True}}}}}},
            "responses": {"200": json_response("The dry run.", ref("ConsoleReplayResult")), "202": json_response("Started; follow GET /v1/console/replays/{id}.", ref("ConsoleReplayJob")),
                          "400": error("Bad request."), "401": error("No session or token."), "403": error("Token lacks admin, or X-Console-Request missing."),
                          "404": error("Unknown channel."), "409": error("A replay is already running.")}}},
        "/v1/console/replays/{id}": {"get": {"summary": "A replay's progress", "security": bearer,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": json_response("The replay.", ref("ConsoleReplayJob")), "401": error("No session or token."), "403": error("Token lacks admin."), "404": error("Unknown replay.")}}},
        "/healthz": {"get": {"summary": "The process answers", "responses": {"200": json_response("Up.", ref("Status"))}}},
        "/readyz": {"get": {"summary": "Store reachable, archive writable, channels started; per-channel state", "responses": {
            "200": json_response("Ready.", ref("Status")), "503": json_response("Not ready.", ref("Status"), retry_after)}}},
        "/metrics": {"get": {"summary": "Prometheus text format", "responses": {
            "200": {"description": "Metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        "/schemas/complaint-v1.json": {"get": {"summary": "The complaint/v1 JSON Schema (CloudEvents dataschema)", "responses": {
            "200": {"description": "JSON Schema 2020-12.", "content": {"application/schema+json": {"schema": {"type": "object"}}}}}}},
        "/schemas/incident-level-v1.json": {"get": {"summary": "The JSON Schema of incident.level_changed data (CloudEvents dataschema urn:complaint-gateway:schema:incident-level-v1)", "responses": {
            "200": {"description": "JSON Schema 2020-12.", "content": {"application/schema+json": {"schema": {"type": "object"}}}}}}},
        "/schemas/customer-signal-v1.json": {"get": {"summary": "The JSON Schema of customer.repeat and customer.escalation_risk data (CloudEvents dataschema urn:complaint-gateway:schema:customer-signal-v1)", "responses": {
            "200": {"description": "JSON Schema 2020-12.", "content": {"application/schema+json": {"schema": {"type": "object"}}}}}}},
        "/openapi.json": {"get": {"summary": "This document", "responses": {
            "200": {"description": "OpenAPI 3.1.", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    },
}

text = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
outputs = {"Sources/GatewayServer/OpenAPI/openapi.json": text}
if "--check" in sys.argv:
    stale = [p for p, t in outputs.items() if not os.path.exists(os.path.join(root, p)) or open(os.path.join(root, p)).read() != t]
    if stale:
        print("out of date (run scripts/gen-openapi.py): " + ", ".join(stale))
        sys.exit(1)
    print("up to date")
else:
    for p, t in outputs.items():
        open(os.path.join(root, p), "w").write(t)
    print("wrote " + " and ".join(outputs))
