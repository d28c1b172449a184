import ArgumentParser
import STSProcCore

/// `--profile <TAB>` and friends: the shell calls sts-proc back, which reads
/// AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE as every command does.
extension CompletionKind {
    static var profileNames: CompletionKind { names(.profiles) }
    static var ssoSessionNames: CompletionKind { names(.ssoSessions) }
    static var credentialsSectionNames: CompletionKind { names(.credentialsSections) }

    private static func names(_ kind: CompletionNames) -> CompletionKind {
        .custom { _, _, prefix in CredentialService.forThisProcess().completionNames(kind, prefix: prefix) }
    }
}
