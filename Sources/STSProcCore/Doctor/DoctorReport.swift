/// What `sts-proc doctor` found for one profile: a plain-words account of what will
/// happen, and findings. Problems make doctor exit non-zero; notes do not.
public struct DoctorReport: Sendable {
    public struct Finding: Sendable, Equatable {
        public enum Level: Sendable { case problem, note }
        public var level: Level
        /// A stable short name (`sdk-skips-credential-process`), for scripts and tests.
        public var code: String
        public var text: String
    }

    public var profile: String
    /// The profiles whose credential_process runs sts-proc for this profile.
    public var callers: [String]
    /// Label and text pairs, in reading order.
    public var explanation: [(String, String)]
    public var findings: [Finding]

    public var hasProblems: Bool { findings.contains { $0.level == .problem } }

    public var text: String {
        var lines = ["profile \(profile)" + (callers.isEmpty ? "" : " (credential_process of \(callers.map { "[\($0)]" }.joined(separator: ", ")))")]
        for (label, value) in explanation {
            let padded = label + String(repeating: " ", count: max(1, 10 - label.count))
            lines.append("  " + padded + value)
        }
        for finding in findings {
            lines.append("  \(finding.level == .problem ? "PROBLEM" : "note") [\(finding.code)] \(finding.text)")
        }
        return lines.joined(separator: "\n")
    }
}
