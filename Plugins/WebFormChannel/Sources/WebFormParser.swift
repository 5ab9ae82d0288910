import Foundation
import ComplaintModel
import ChannelSupport
import GatewayCore

/// Parses one saved form post (the archived request body) into one complaint,
/// one rejection listing the fields at fault, or a spam flag.
///
/// The body's Content-Type comes with the input (`RawInput.mediaType`, recorded
/// in the manifest so replay sees it again); bodies read from files use the
/// channel's `content_type`.
public struct WebFormParser: ChannelParser {
    public let settings: WebFormSettings
    let mapper: FormComplaintMapper

    public init(settings: WebFormSettings) {
        self.settings = settings
        mapper = FormComplaintMapper(settings: settings)
    }

    public func open(_ input: RawInput) throws -> any ParseEventReader {
        OneEventReader(event: try parse(input))
    }

    /// The submission's identity: a repeated post with the same identity is the
    /// same complaint (same id), so a retry or a double click creates nothing new.
    func sourceID(_ input: RawInput, fields: [FormField]) -> String {
        if let key = input.metadata[HTTPIntake.MetadataKey.idempotencyKey], !key.isEmpty {
            return Self.sourceID(idempotencyKey: key)
        }
        if let field = settings.submissionIDField,
           let value = fields.first(where: { $0.name == field })?.value.text?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
            return "submission:\(value)"
        }
        return Self.bodyDigestPrefix + input.sha256
    }

    /// The source id of a post sent with `Idempotency-Key: key`. The rule is
    /// this plugin's alone: the server records the key with the post and
    /// never predicts the id; a reused key with another body is refused by the
    /// store's write transaction (`DedupDecision.conflict`).
    static func sourceID(idempotencyKey key: String) -> String {
        "idempotency-key:\(key)"
    }

    /// Source ids of posts with neither key nor submission id: the body's digest.
    static let bodyDigestPrefix = "body-sha256:"

    func parse(_ input: RawInput) throws -> ParseEvent {
        guard input.size <= settings.maxBodyBytes else {
            throw Rejection(reason: "body of \(input.size) bytes is over max_body_bytes (\(settings.maxBodyBytes))")
        }
        let body = [UInt8](try Data(contentsOf: input.url))
        let declared = HeaderParameters(parsing: input.mediaType, fallbackCharset: settings.charset)
        let contentType: HeaderParameters
        if WebFormSettings.mediaTypes.contains(declared.value) {
            contentType = declared
        } else if let configured = settings.contentType {
            contentType = HeaderParameters(parsing: configured, fallbackCharset: settings.charset)
        } else {
            throw Rejection(reason: "the body's media type \"\(input.mediaType)\" is not a form (\(WebFormSettings.mediaTypes.joined(separator: ", "))); set content_type for files", kind: .malformed)
        }
        var charset = settings.charset
        var warnings: [String] = []
        if let label = contentType["charset"] {
            if let named = Charset(label: label) { charset = named } else {
                warnings.append("unknown charset \"\(label)\" in Content-Type; decoded as \(settings.charset)")
            }
        }

        let fields: [FormField]
        switch contentType.value {
        case "application/x-www-form-urlencoded":
            let decoded = URLEncodedFormDecoder(charset: charset).decode(body)
            warnings += decoded.warnings
            fields = decoded.fields
        case "multipart/form-data":
            guard let boundary = contentType["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200 else {
                throw Rejection(reason: "multipart/form-data without a usable boundary parameter", kind: .malformed)
            }
            let decoded: MultipartFormDecoder.Decoded
            do {
                decoded = try MultipartFormDecoder(boundary: boundary, headerCharset: charset).decode(body)
            } catch {
                throw Rejection(reason: error.reason, location: "byte \(error.offset)", kind: .malformed)
            }
            // A part that could not be read is dropped alone, and said on the complaint.
            warnings += decoded.warnings
            fields = Self.fields(from: decoded.parts, defaultCharset: charset, warnings: &warnings)
        default:  // application/json
            do {
                fields = try JSONFormDecoder().decode(body)
            } catch {
                throw Rejection(reason: error.reason, kind: .malformed)
            }
        }

        let sourceID = sourceID(input, fields: fields)
        switch mapper.map(fields, sourceID: sourceID, warnings: warnings) {
        case .complaint(var draft):
            // A key or submission id is chosen by the sender: only this very post
            // may come again under it (a retry); another body reusing it is refused
            // inside the write transaction, never stored as a revision.
            if !sourceID.hasPrefix(Self.bodyDigestPrefix) { draft.revisionPolicy = .sameInputOnly }
            return .complaint(draft)
        case .invalid(let problems):
            let summary = problems.map { "\($0.field) \($0.message)" }.joined(separator: "; ")
            return .rejected(Rejection(reason: "invalid form: \(summary)", excerpt: Self.excerpt(fields), kind: .invalid, fields: problems))
        case .spam(let reason):
            return .rejected(Rejection(reason: reason, excerpt: Self.excerpt(fields), kind: .spam))
        }
    }

    /// Multipart parts as fields: text parts decoded in their own charset, the
    /// `_charset_` field's, or the channel's.
    static func fields(from parts: [MultipartFormDecoder.Part], defaultCharset: Charset, warnings: inout [String]) -> [FormField] {
        var formCharset = defaultCharset
        if let declared = parts.first(where: { $0.name == "_charset_" && $0.filename == nil }),
           let label = String(validating: declared.data, as: UTF8.self), let named = Charset(label: label) {
            formCharset = named
        }
        return parts.map { part in
            let type = part.contentType.map { HeaderParameters(parsing: $0) }
            if part.filename != nil {
                return FormField(name: part.name, value: .file(FormUpload(filename: part.filename, contentType: type?.value ?? "application/octet-stream", data: part.data)))
            }
            let charset = type?["charset"].flatMap { Charset(label: $0) } ?? formCharset
            let text = LabelledTextDecoder.decode(Array(part.data), label: charset.label, fallback: charset,
                                                  what: "field \(part.name)", warnings: &warnings)
            return FormField(name: part.name, value: .text(text))
        }
    }

    /// The text fields, for a person reviewing the quarantine.
    static func excerpt(_ fields: [FormField]) -> String {
        fields.map { field in
            switch field.value {
            case .text(let s): "\(field.name)=\(s)"
            case .file(let f): "\(field.name)=<file \(f.filename ?? "?"), \(f.data.count) bytes>"
            }
        }.joined(separator: "&")
    }
}

/// A reader for inputs that hold exactly one record.
final class OneEventReader: ParseEventReader {
    private var event: ParseEvent?

    init(event: ParseEvent) {
        self.event = event
    }

    func next() throws -> ParseEvent? {
        defer { event = nil }
        return event
    }
}
