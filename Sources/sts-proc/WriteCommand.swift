import ArgumentParser
import STSProcCore

struct WriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write the profile's credentials into a section of the shared credentials file.",
        discussion: """
            For tools that read ~/.aws/credentials but cannot run credential_process. Replaces \
            (or adds) section [NAME] atomically, mode 0600, keeping a backup (<file>.bak) and every \
            other section and comment as it was; running it again leaves one section. Refuses to \
            shadow a profile that runs sts-proc, or to overwrite long-term keys, unless --force.

            Example: sts-proc write --profile prod --to prod-static
            """)

    @OptionGroup var options: ProfileOptions

    @Option(name: .long, help: "The section (profile name) to write.", completion: .credentialsSectionNames)
    var to: String

    @Flag(name: .long, help: "Write even over a profile that runs sts-proc or holds long-term keys.")
    var force = false

    func run() throws {
        let service = CredentialService.forThisProcess()
        let profile = service.profileName(explicit: options.profile)
        try runReportingErrors { () throws(STSProcError) in
            let result = try service.writeCredentials(profile: profile, section: to, force: force, note: QuietNotes(environment: service.environment).gate(StandardStreams.writeError))
            let expiry = result.expiration.map { ", expires \($0.iso8601)" } ?? ""
            let backup = result.backupPath.map { "; previous file kept as \($0)" } ?? ""
            StandardStreams.writeOutput("wrote [\(to)] to \(result.path)\(expiry)\(backup)")
        }
    }
}
