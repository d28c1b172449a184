import ArgumentParser
import STSProcCore

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Explain what sts-proc will do for a profile and flag what will go wrong.",
        discussion: """
            Without --profile, checks every profile whose credential_process runs sts-proc. \
            Exits 1 when it finds a problem (lines marked PROBLEM), 0 otherwise.

            Example: sts-proc doctor --profile prod
            """)

    @Option(name: .long, help: "The profile to check (default: every profile that runs sts-proc).", completion: .profileNames)
    var profile: String?

    func run() throws {
        let service = CredentialService.forThisProcess()
        var reports: [DoctorReport] = []
        try runReportingErrors { () throws(STSProcError) in
            reports = try service.doctor(profile: profile)
        }
        if reports.isEmpty {
            StandardStreams.writeOutput("no profile runs sts-proc through credential_process; use --profile NAME")
            return
        }
        StandardStreams.writeOutput(reports.map(\.text).joined(separator: "\n\n"))
        let problems = reports.reduce(0) { $0 + $1.findings.filter { $0.level == .problem }.count }
        StandardStreams.writeOutput(problems == 0 ? "\nno problems found" : "\n\(problems) problem\(problems == 1 ? "" : "s") found")
        if problems > 0 { throw ExitCode(1) }
    }
}
