/// Reads a web-identity token or SAML assertion from where the profile says, fresh at
/// every fetch. Failures name the setting and the file or command, never the content.
enum SecretInputReader {
    static let tokenLimit = 64 << 10
    static let assertionLimit = 1 << 20
    /// `sts_proc_process_timeout` when unset: generous for an IdP helper, finite for a hung one.
    static let defaultProcessTimeLimit = 30.0

    static func read(_ input: SecretInput, what: String, limit: Int) throws(STSProcError) -> String {
        let bytes: [UInt8]
        switch input {
        case .file(let path, let setting):
            do {
                bytes = try BoundedFileReader.read(path, limit: limit)
            } catch {
                throw STSProcError(.configuration, failure: "cannot read the \(what)",
                                   reason: "\(setting) \(path): \(error.explanation)",
                                   remedy: remedy(for: error, setting: setting))
            }
        case .process(let command, let setting, let timeLimit):
            do {
                bytes = try ExternalCommand.run(command, timeLimit: timeLimit, outputLimit: limit)
            } catch {
                if RunDeadline.isPast { throw RunDeadline.reached(waitingFor: "\(setting) \(ShellWords.programName(command))") }
                throw STSProcError(.configuration, failure: "\(setting) failed", reason: error.reason,
                                   remedy: "Run the command yourself to see what it needs")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw STSProcError(.configuration, failure: "unusable \(what)", reason: "\(input) is not UTF-8 text",
                               remedy: "Check that it holds the \(what) itself")
        }
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            throw STSProcError(.configuration, failure: "empty \(what)", reason: "\(input) is empty",
                               remedy: "Check that whatever writes the \(what) has run")
        }
        return trimmed
    }

    private static func remedy(for failure: BoundedFileReader.Failure, setting: String) -> String {
        switch failure {
        case .missing: return "Check the path in \(setting), and that whatever writes the file has run"
        case .tooLarge: return "Check that \(setting) points at the right file"
        case .directory, .special, .unreadable: return "Point \(setting) at a readable file"
        }
    }
}
