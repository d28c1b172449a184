import ArgumentParser
import Glibc
import STSProcCore

struct SSOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sso",
        abstract: "Sign in to IAM Identity Center and use its accounts and roles.",
        discussion: """
            The token is kept in ~/.aws/sso/cache/ exactly as the AWS CLI v2 keeps it, so \
            `aws sso login` and `sts-proc sso login` share one session. credential_process never \
            starts a login: when the session has ended it fails and names this command.
            """,
        subcommands: [Login.self, Logout.self, Accounts.self, Populate.self])

    /// `--profile P` or `--sso-session S`.
    struct SessionOptions: ParsableArguments {
        @Option(name: .long, help: "A profile that uses the session (default: $AWS_PROFILE, else 'default').", completion: .profileNames)
        var profile: String?

        @Option(name: .customLong("sso-session"), help: "The [sso-session NAME] section to use instead of a profile.", completion: .ssoSessionNames)
        var ssoSession: String?

        func session(_ service: CredentialService) throws(STSProcError) -> SSOSession {
            try service.ssoSession(profile: profile, sessionName: ssoSession)
        }

        var profileName: String? { ssoSession == nil ? profile : nil }
    }

    struct Login: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log in to IAM Identity Center and save the token for the AWS CLI, the SDKs and sts-proc.",
            discussion: """
                [sso-session] profiles use the authorization-code flow with PKCE and a redirect to \
                127.0.0.1 (as the AWS CLI v2); legacy profiles, and --use-device-code, the device-code \
                flow, which works where the browser runs on another machine. Prints the URL (and \
                the code to confirm); opens a browser only when a display is there and --no-browser \
                is not given. Two logins for one session never run at once.

                Examples:
                  sts-proc sso login --profile dev
                  sts-proc sso login --sso-session my-sso --no-browser
                """)

        @OptionGroup var options: SessionOptions

        @Flag(name: .long, help: "Use the device-code flow (for containers and remote shells).")
        var useDeviceCode = false

        @Flag(name: .long, help: "Only print the URL; never open a browser.")
        var noBrowser = false

        func run() throws {
            let service = CredentialService.forThisProcess()
            let environment = service.environment
            let openBrowser = !noBrowser && (environment["DISPLAY"] ?? environment["WAYLAND_DISPLAY"] ?? "") != ""
            try runReportingErrors { () throws(STSProcError) in
                let session = try options.session(service)
                let token = try service.ssoLogin(session, profile: options.profileName, useDeviceCode: useDeviceCode) { url, code in
                    StandardStreams.writeError("To sign in to \(session.startURL), open \(url)"
                                               + (code.map { " and confirm the code \($0)." } ?? " in a browser on this machine."))
                    if openBrowser { Browser.open(url) }
                }
                StandardStreams.writeOutput("logged in to \(session.startURL) (\(session.description)); "
                                            + "the token is valid until \(token.expiresAt.iso8601)"
                                            + (token.refreshToken != nil && session.name != nil ? " and is refreshed until the session ends" : ""))
            }
        }
    }

    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a session: the portal's logout, the token file and the SSO credentials sts-proc cached.",
            discussion: """
                Client registrations are kept. --all ends every session in ~/.aws/sso/cache, as \
                `aws sso logout` does.

                Example: sts-proc sso logout --profile dev
                """)

        @OptionGroup var options: SessionOptions

        @Flag(name: .long, help: "Every session in the token cache.")
        var all = false

        func run() throws {
            let service = CredentialService.forThisProcess()
            try runReportingErrors { () throws(STSProcError) in
                let ended = try service.ssoLogout(all ? nil : [try options.session(service)])
                StandardStreams.writeOutput(ended.isEmpty ? "no session to log out of"
                                                          : ended.map { "logged out of \($0)" }.joined(separator: "\n"))
            }
        }
    }

    struct Accounts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every account and role the session may use, tab-separated.",
            discussion: "Example: sts-proc sso accounts --profile dev")

        @OptionGroup var options: SessionOptions

        func run() throws {
            let service = CredentialService.forThisProcess()
            try runReportingErrors { () throws(STSProcError) in
                let session = try options.session(service)
                for row in try service.ssoAccounts(session, profile: options.profileName) {
                    StandardStreams.writeOutput("\(row.account)\t\(row.name)\t\(row.role)")
                }
            }
        }
    }
}

/// `xdg-open URL`, detached, its output discarded; the URL carries no secret (the user
/// code is shown on the terminal anyway).
enum Browser {
    static func open(_ url: String) {
        var pid = pid_t()
        let arguments = ["xdg-open", url]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        _ = posix_spawnp(&pid, "xdg-open", &actions, nil, &argv, environ)
    }
}

extension SSOCommand {
    struct Populate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one profile per account and role of a session into the config file.",
            discussion: """
                Each profile runs this sts-proc through credential_process with sts_proc_sso_* \
                settings, and is named <prefix><account name>.<role>. The file is replaced \
                atomically, the previous one kept as <file>.bak. Sections it wrote carry a marker \
                comment: running it again updates them and removes those whose role is gone; \
                sections it did not write are never touched.

                Example: sts-proc sso populate --sso-session my-sso --prefix org-
                """)

        @Option(name: .customLong("sso-session"), help: "The [sso-session NAME] whose accounts to write.", completion: .ssoSessionNames)
        var ssoSession: String

        @Option(name: .long, help: "Put before every profile name.")
        var prefix: String = ""

        @Option(name: .long, help: "The region of the profiles (default: the session's sso_region).")
        var region: String?

        func run() throws {
            let service = CredentialService.forThisProcess()
            try runReportingErrors { () throws(STSProcError) in
                let result = try service.ssoPopulate(sessionName: ssoSession, prefix: prefix, region: region,
                                                     executable: ExecutablePath.current())
                for name in result.written { StandardStreams.writeOutput("wrote [profile \(name)]") }
                for name in result.removed { StandardStreams.writeOutput("removed [profile \(name)] (the role is no longer assigned)") }
                for name in result.skipped {
                    StandardStreams.writeError("sts-proc: sso populate: note: [profile \(name)] exists and was not written by sts-proc: left as it is")
                }
                StandardStreams.writeOutput("updated \(result.configPath)"
                                            + (result.backupPath.map { "; previous file kept as \($0)" } ?? ""))
            }
        }
    }
}

/// This executable's absolute path, for the credential_process lines it writes.
enum ExecutablePath {
    static func current() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return CommandLine.arguments.first ?? "sts-proc" }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
