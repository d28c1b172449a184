import ArgumentParser
import STSProcCore

struct WhoamiCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show which identity the profile's credentials belong to (GetCallerIdentity).",
        discussion: "Example: sts-proc whoami --profile prod --json")

    @OptionGroup var options: ProfileOptions

    @Flag(name: .long, help: "Print a JSON object instead of lines.")
    var json = false

    func run() throws {
        let service = CredentialService.forThisProcess()
        let profile = service.profileName(explicit: options.profile)
        try runReportingErrors { () throws(STSProcError) in
            let identity = try service.callerIdentity(profile: profile, note: QuietNotes(environment: service.environment).gate(StandardStreams.writeError))
            if json {
                StandardStreams.writeOutput("{\"Account\":\(CredentialDocument.quoted(identity.account)),"
                    + "\"Arn\":\(CredentialDocument.quoted(identity.arn)),\"UserId\":\(CredentialDocument.quoted(identity.userID))}")
            } else {
                StandardStreams.writeOutput("Account: \(identity.account)\nArn:     \(identity.arn)\nUserId:  \(identity.userID)")
            }
        }
    }
}
