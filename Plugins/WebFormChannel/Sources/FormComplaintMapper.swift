import ComplaintModel
import ChannelSupport
import GatewayCore

/// Turns a decoded form into a complaint draft by the channel's field
/// declarations, or into the list of fields at fault.
struct FormComplaintMapper: Sendable {
    let settings: WebFormSettings

    enum Outcome {
        case complaint(ComplaintDraft)
        case invalid([Rejection.FieldProblem])
        case spam(String)
    }

    /// - Parameter sourceID: the submission's identity (idempotency key, submission id or body digest).
    func map(_ fields: [FormField], sourceID: String, warnings: [String]) -> Outcome {
        var byName: [String: [FormValue]] = [:]
        var order: [String] = []
        for field in fields {
            if byName[field.name] == nil { order.append(field.name) }
            byName[field.name, default: []].append(field.value)
        }
        if let honeypot = settings.honeypot, let values = byName[honeypot],
           values.contains(where: { $0.text.map { !$0.trimmingWhiteSpace.isEmpty } ?? true }) {
            return .spam("spam: the honeypot field \"\(honeypot)\" was filled")
        }

        var draft = ComplaintDraft(sourceID: sourceID, body: "")
        draft.warnings = warnings
        var problems: [Rejection.FieldProblem] = []
        for spec in settings.fields {
            let values = (byName[spec.name] ?? []).filter { value in
                if case .text(let s) = value { return !s.trimmingWhiteSpace.isEmpty }
                if case .file(let f) = value { return !(f.data.isEmpty && (f.filename ?? "").isEmpty) }
                return true
            }
            guard !values.isEmpty else {
                if spec.required { problems.append(.init(field: spec.name, message: "is required")) }
                continue
            }
            if spec.type == .file {
                for value in values {
                    guard case .file(let upload) = value else {
                        problems.append(.init(field: spec.name, message: "must be a file upload"))
                        continue
                    }
                    draft.attachments.append(Self.attachment(upload))
                }
                continue
            }
            if values.count > 1 && spec.target != .attribute {
                draft.warnings.append("field \(spec.name) was sent \(values.count) times; the first value is used")
            }
            var checked: [AttributeValueText] = []
            for value in spec.target == .attribute ? values : [values[0]] {
                guard case .text(let text) = value else {
                    problems.append(.init(field: spec.name, message: "must be text, not a file upload"))
                    break
                }
                switch spec.check(text, phone: settings.phone) {
                case .success(let v): checked.append(v)
                case .failure(let message): problems.append(.init(field: spec.name, message: message.text))
                }
            }
            guard let first = checked.first, checked.count == (spec.target == .attribute ? values.count : 1) else { continue }
            switch spec.target {
            case .customerName: draft.customer.name = first.string
            case .customerEmail: draft.customer.email = first.string
            case .customerPhone: draft.customer.phone = first.string
            case .customerAccountID: draft.customer.accountID = first.string
            case .customerHandle: draft.customer.handle = first.string
            case .subject: draft.subject = first.string
            case .body: draft.body = first.string
            case .attribute:
                if checked.count == 1, case .integer(let n) = first {
                    draft.attributes[spec.attributeName] = .int(n)
                } else {
                    let texts = checked.map(\.string)
                    // Sent more than once (checkboxes, a multi-select): each value, in order.
                    draft.attributes[spec.attributeName] = texts.count == 1 ? .string(texts[0]) : .strings(texts)
                }
            case .attachment: break
            }
        }
        guard problems.isEmpty else { return .invalid(problems) }

        // Undeclared fields: text lands in attributes, files in attachments.
        let declared = Set(settings.fields.map(\.name))
        let reserved = Set(["_charset_"] + [settings.honeypot, settings.submissionIDField].compactMap { $0 })
        for name in order where !declared.contains(name) && !reserved.contains(name) {
            var texts: [String] = []
            for value in byName[name]! {
                switch value {
                case .text(let s): texts.append(s)
                case .file(let upload): draft.attachments.append(Self.attachment(upload))
                }
            }
            if !texts.isEmpty, draft.attributes[name] == nil {
                draft.attributes[name] = texts.count == 1 ? .string(texts[0]) : .strings(texts)
            }
        }
        return .complaint(draft)
    }

    static func attachment(_ upload: FormUpload) -> Attachment {
        Attachment(filename: upload.filename, contentType: upload.contentType, size: upload.data.count,
                   sha256: Hex.sha256(upload.data))
    }
}
