import ArgumentParser
import STSProcCore

struct SAMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saml",
        abstract: "Look inside a SAML assertion.",
        subcommands: [Roles.self])

    struct Roles: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the role/provider pairs a base64 SAMLResponse offers, and when it expires.",
            discussion: """
                One pair a line: role ARN, provider ARN and expiry, tab-separated.

                Example: sts-proc saml roles --assertion-file ~/samlresponse.log
                """)

        @Option(name: .long, help: "The file holding the base64 SAMLResponse, or - for stdin.")
        var assertionFile: String

        func run() throws {
            let service = CredentialService.forThisProcess()
            try runReportingErrors { () throws(STSProcError) in
                let assertion: SAMLAssertion
                do throws(STSProcError) {
                    assertion = try service.samlAssertion(file: assertionFile)
                } catch {
                    throw error.inCommand("saml roles")
                }
                let expiry = assertion.notOnOrAfter.map {
                    $0 > service.now ? "expires \($0.iso8601)" : "expired \($0.iso8601)"
                } ?? "no expiry stated"
                if assertion.isEncrypted {
                    StandardStreams.writeOutput("the assertion is encrypted: only AWS can read its roles; set role_arn and principal_arn\t\(expiry)")
                }
                for pair in assertion.roles {
                    StandardStreams.writeOutput("\(pair.roleARN)\t\(pair.principalARN)\t\(expiry)")
                }
            }
        }
    }
}
