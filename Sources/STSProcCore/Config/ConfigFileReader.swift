import Glibc

extension SharedConfig {
    /// Thin I/O: paths from AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE (expanded like
    /// os.path.expandvars + expanduser, using HOME from `environment`), defaults
    /// ~/.aws/config and ~/.aws/credentials. A missing file is absent, as in botocore.
    public static func load(environment: [String: String]) throws(STSProcError) -> SharedConfig {
        let configPath = ConfigPath.config(environment: environment)
        let credentialsPath = ConfigPath.credentials(environment: environment)
        return try SharedConfig(
            configText: ConfigFileReader.read(configPath, kind: "config file"),
            configPath: configPath,
            credentialsText: ConfigFileReader.read(credentialsPath, kind: "credentials file"),
            credentialsPath: credentialsPath)
    }
}

/// Reads one shared file: bounded, never blocking, UTF-8 only.
enum ConfigFileReader {
    static let sizeLimit = 4 * 1024 * 1024

    /// The file's text; nil when botocore would call it absent (`not os.path.isfile`):
    /// no such file, a path through a non-directory, or a FIFO, device or socket such as
    /// `/dev/null` (a common way to switch a file off). A directory, an unreadable file,
    /// an over-large file or one that is not UTF-8 is an error: botocore would silently
    /// ignore or misread it, and sts-proc would rather say so.
    static func read(_ path: String, kind: String) throws(STSProcError) -> String? {
        try read(path, kind: kind, identified: false)?.text
    }

    /// The text and, when the file did not change while it was read, its identity.
    static func readIdentified(_ path: String, kind: String) throws(STSProcError) -> (text: String, identity: FileIdentity?)? {
        try read(path, kind: kind, identified: true)
    }

    private static func read(_ path: String, kind: String, identified: Bool) throws(STSProcError) -> (text: String, identity: FileIdentity?)? {
        guard !path.isEmpty else { return nil }
        let bytes: [UInt8], identity: FileIdentity?
        do {
            // The identity costs one more system call: only the subset cache needs it.
            (bytes, identity) = identified ? try BoundedFileReader.readIdentified(path, limit: sizeLimit)
                                           : (try BoundedFileReader.read(path, limit: sizeLimit), nil)
        } catch {
            switch error {
            case .missing, .special: return nil
            case .directory:
                throw failure(kind, path, reason: error.explanation,
                              remedy: "Point \(kind == "config file" ? "AWS_CONFIG_FILE" : "AWS_SHARED_CREDENTIALS_FILE") at a file, or unset it.")
            case .unreadable(let code):
                throw failure(kind, path, reason: error.explanation,
                              remedy: code == EACCES ? "Make it readable by your user (chmod u+r)." : "")
            case .tooLarge:
                throw failure(kind, path, reason: error.explanation, remedy: "Check that the variable points at the right file.")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw failure(kind, path, reason: "it is not UTF-8 text", remedy: "Save it as UTF-8; the AWS CLI cannot read it either.")
        }
        return (text, identity)
    }

    private static func failure(_ kind: String, _ path: String, reason: String, remedy: String = "") -> STSProcError {
        STSProcError(.configuration, failure: "cannot read \(kind) \(path)", reason: reason, remedy: remedy)
    }
}
