import ArgumentParser
import STSProcCore

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Keep IAM users' long-term access keys in the keyring instead of ~/.aws/credentials.",
        discussion: """
            A profile's keys come from the credentials file, else the config file, else the \
            keyring item `keys add` or `keys import` made. Every flow uses them: the source of \
            a role, MFA sessions, whoami, env, write.
            """,
        subcommands: [Add.self, Import.self, List.self, Remove.self, Rotate.self])

    /// Refuses anything else on the command line without repeating it: a key pasted as an
    /// argument would otherwise be printed back in the parser's own error.
    static func refuseExtraArguments(_ arguments: [String], command: String) throws {
        guard !arguments.isEmpty else { return }
        StandardStreams.writeError("sts-proc: keys \(command): keys are never taken from the command line "
                                   + "(\(arguments.count) unexpected argument\(arguments.count == 1 ? "" : "s") not shown). "
                                   + "Use the prompt, --stdin or --env.")
        throw ExitCode(64)
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a profile's access key in the keyring.",
            discussion: """
                Asks for the key ID and (without echo) the secret on the terminal; or reads two \
                lines, or the JSON of `aws iam create-access-key`, with --stdin; or takes \
                AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY with --env. Verifies the key with \
                GetCallerIdentity unless --no-verify. Refuses a profile that has keys in a file \
                (use `keys import`).

                Examples:
                  sts-proc keys add --profile base
                  aws iam create-access-key --user-name alice | sts-proc keys add --profile base --stdin
                """)

        @Option(name: .long, help: "The profile the key belongs to.", completion: .profileNames)
        var profile: String

        @Flag(name: .long, help: "Read the key from standard input.")
        var stdin = false

        @Flag(name: .long, help: "Take AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
        var env = false

        @Flag(name: .long, help: "Store without asking STS whether the key works.")
        var noVerify = false

        @Argument(parsing: .allUnrecognized, help: .hidden)
        var unexpected: [String] = []

        func run() throws {
            try KeysCommand.refuseExtraArguments(unexpected, command: "add")
            let service = CredentialService.forThisProcess()
            let source: KeyInputSource = stdin ? .standardInput : env ? .environment : .terminal
            try runReportingErrors { () throws(STSProcError) in
                let (key, identity) = try service.addKey(profile: profile, from: source, verify: !noVerify)
                StandardStreams.writeOutput("stored \(StoredAccessKey.masked(key.credentials.accessKeyID)) for profile \(profile) in the keyring"
                                            + (identity.map { " (it is \($0.arn))" } ?? " (not verified)"))
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move keys from ~/.aws/credentials into the keyring.",
            discussion: """
                Stores each key first, then rewrites the credentials file without it \
                (atomically; the previous file, which still holds the keys, is kept as \
                <file>.bak with mode 0600 for you to check and delete).

                Examples:
                  sts-proc keys import --profile base
                  sts-proc keys import --all
                """)

        @Option(name: .long, help: "The profile whose keys to move.", completion: .profileNames)
        var profile: String?

        @Flag(name: .long, help: "Every profile of the credentials file with long-term keys.")
        var all = false

        @Argument(parsing: .allUnrecognized, help: .hidden)
        var unexpected: [String] = []

        func run() throws {
            try KeysCommand.refuseExtraArguments(unexpected, command: "import")
            guard all != (profile != nil) else {
                throw ValidationError("Give either --profile or --all.")
            }
            let service = CredentialService.forThisProcess()
            try runReportingErrors { () throws(STSProcError) in
                let result = try service.importKeys(profiles: all ? nil : [profile!])
                if result.imported.isEmpty {
                    StandardStreams.writeOutput("no long-term keys in \(result.path)")
                    return
                }
                for key in result.imported {
                    StandardStreams.writeOutput("moved \(StoredAccessKey.masked(key.accessKeyID)) of profile \(key.profile) to the keyring")
                }
                if let backup = result.backupPath {
                    StandardStreams.writeOutput("\(result.path) no longer holds them; the previous file, which does, is \(backup) "
                                                + "(mode 0600): check, then delete it (shred -u \(backup))")
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the stored keys: profile, key ID (masked), created, age in days. Never a secret.",
            discussion: "Example: sts-proc keys list")

        func run() throws {
            let service = CredentialService.forThisProcess()
            try runReportingErrors { () throws(STSProcError) in
                for key in try service.storedKeys().sorted(by: { $0.profile < $1.profile }) {
                    let days = key.created.seconds(until: service.now) / 86_400
                    StandardStreams.writeOutput("\(key.profile)\t\(StoredAccessKey.masked(key.credentials.accessKeyID))\t"
                                                + "\(key.created.iso8601)\t\(days) days")
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a profile's stored key and the credentials cached from it.",
            discussion: "Example: sts-proc keys remove --profile base")

        @Option(name: .long, help: "The profile whose key to delete.", completion: .profileNames)
        var profile: String

        @Argument(parsing: .allUnrecognized, help: .hidden)
        var unexpected: [String] = []

        func run() throws {
            try KeysCommand.refuseExtraArguments(unexpected, command: "remove")
            let service = CredentialService.forThisProcess()
            try runReportingErrors { () throws(STSProcError) in
                try service.removeKey(profile: profile)
                StandardStreams.writeOutput("removed the key of profile \(profile) from the keyring")
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a profile's stored key with a new one and delete the old one in IAM.",
            discussion: """
                CreateAccessKey for the key's user, the new key stored, cached sessions dropped, \
                then DeleteAccessKey of the old key signed with the new one (retried for up to \
                20 s while IAM catches up). With mfa_serial the IAM calls are signed with an MFA \
                session unless --no-session. Needs iam:CreateAccessKey and iam:DeleteAccessKey on \
                the user itself. IAM is https://iam.amazonaws.com, or AWS_ENDPOINT_URL_IAM.

                Example: sts-proc keys rotate --profile base
                """)

        @Option(name: .long, help: "The profile whose key to rotate.", completion: .profileNames)
        var profile: String

        @Flag(name: .long, help: "Sign with the long-term key even when the profile sets mfa_serial.")
        var noSession = false

        @Argument(parsing: .allUnrecognized, help: .hidden)
        var unexpected: [String] = []

        func run() throws {
            try KeysCommand.refuseExtraArguments(unexpected, command: "rotate")
            let service = CredentialService.forThisProcess()
            try runReportingErrors { () throws(STSProcError) in
                let result = try service.rotateKey(profile: profile, useSession: !noSession)
                StandardStreams.writeOutput("rotated the key of profile \(profile): \(StoredAccessKey.masked(result.newKeyID)) is stored, "
                                            + "\(StoredAccessKey.masked(result.oldKeyID)) is deleted in IAM")
            }
        }
    }
}
