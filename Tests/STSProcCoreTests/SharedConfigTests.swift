import Glibc
import Testing
@testable import STSProcCore

/// botocore's `build_profile_map` and `Session.full_config`, and the file layer around them.
@Suite struct SharedConfigTests {
    private func config(_ text: String?, credentials: String? = nil) throws(STSProcError) -> SharedConfig {
        try SharedConfig(configText: text, configPath: "/cfg", credentialsText: credentials, credentialsPath: "/creds")
    }

    // MARK: which sections are profiles

    @Test func defaultAndProfileSectionsAreProfiles() throws {
        let shared = try config("""
            [default]
            region = us-east-1
            [profile prod]
            region = eu-west-1
            [preview]
            cloudfront = true
            [Default]
            x = 1
            [ profile spaced]
            y = 2
            """)
        #expect(shared.profiles == [
            "default": ["region": .text("us-east-1")],
            "prod": ["region": .text("eu-west-1")],
        ])
    }

    @Test func profileNamesAreShellWordsLikeBotocore() throws {
        let shared = try config("""
            [profile "my prof"]
            a = 1
            [profile 'single q']
            b = 2
            [profile \t tabbed]
            [profile a b]
            c = 3
            [profile]
            d = 4
            [profiles plural]
            e = 5
            [profilex glued]
            f = 6
            [profile "unclosed]
            g = 7
            [profile a\\ b]
            h = 8
            [profile ""]
            i = 9
            """)
        #expect(shared.profiles.keys.sorted() == ["", "a b", "glued", "my prof", "plural", "single q", "tabbed"])
        #expect(shared.profiles["a b"] == ["h": .text("8")])
        #expect(shared.profiles[""] == ["i": .text("9")])
    }

    @Test func laterSectionForTheSameProfileReplacesTheEarlierWhole() throws {
        #expect(try config("[default]\na = 1\n[profile default]\nb = 2\n").profiles == ["default": ["b": .text("2")]])
        #expect(try config("[profile default]\nb = 2\n[default]\na = 1\n").profiles == ["default": ["a": .text("1")]])
        #expect(try config("[profile a]\nx = 1\n[profile  a]\ny = 2\n").profiles == ["a": ["y": .text("2")]])
    }

    @Test func ssoSessionsAndServicesHaveTheirOwnMaps() throws {
        let shared = try config("""
            [DEFAULT]
            d = 1
            [sso-session my-sso]
            sso_region = us-east-1
            [services local]
            sts =
              endpoint_url = http://127.0.0.1:4566
            S3 =
              Addressing_Style = path
            [services]
            ignored = 1
            [profile dev]
            services = local
            """)
        #expect(shared.ssoSessions == ["my-sso": ["sso_region": .text("us-east-1"), "d": .text("1")]])
        #expect(shared.services.keys.sorted() == ["local"])
        #expect(shared.serviceSettings(section: "local", service: "sts") == ["endpoint_url": "http://127.0.0.1:4566"])
        #expect(shared.serviceSettings(section: "local", service: "s3") == ["Addressing_Style": "path"])
        #expect(shared.serviceSettings(section: "local", service: "d") == nil)
        #expect(shared.serviceSettings(section: "local", service: "ec2") == nil)
        #expect(shared.serviceSettings(section: "other", service: "sts") == nil)
        #expect(shared.profile(named: "dev")?.setting(.services) == "local")
    }

    // MARK: credentials file

    @Test func credentialsKeysOverrideConfigKeysOneByOne() throws {
        let shared = try config("""
            [default]
            region = us-east-1
            aws_access_key_id = AKIACONFIG
            [profile base]
            region = eu-west-1
            """, credentials: """
            [default]
            aws_access_key_id = AKIACREDS
            aws_secret_access_key = secret
            [base]
            aws_access_key_id = AKIABASE
            """)
        #expect(shared.profiles["default"] == [
            "region": .text("us-east-1"), "aws_access_key_id": .text("AKIACREDS"), "aws_secret_access_key": .text("secret"),
        ])
        #expect(shared.profiles["base"] == ["region": .text("eu-west-1"), "aws_access_key_id": .text("AKIABASE")])
    }

    @Test func credentialsSectionsAreProfileNamesAsWritten() throws {
        let shared = try config(nil, credentials: "[profile p]\nx = 1\n[only-here]\ny = 2\n[DEFAULT]\nz = 3\n")
        #expect(shared.profiles == [
            "profile p": ["x": .text("1"), "z": .text("3")],
            "only-here": ["y": .text("2"), "z": .text("3")],
        ])
        #expect(!shared.configFileExists)
        #expect(shared.credentialsFileExists)
    }

    @Test func configDefaultSectionDoesNotReachCredentialsProfiles() throws {
        let shared = try config("[DEFAULT]\nregion = r\n", credentials: "[c]\nx = 1\n")
        #expect(shared.profiles == ["c": ["x": .text("1")]])
    }

    @Test func credentialsFileErrorsNameThatFile() {
        #expect(throws: STSProcError(.configuration, failure: "cannot parse /creds",
                                     reason: "line 2 in section [a] has no `=` or `:`",
                                     remedy: "Fix that line of /creds; the AWS CLI rejects the file too.")) {
            try config("[a]\n", credentials: "[a]\nAKIAEXAMPLE\n")
        }
    }

    @Test func absentFilesGiveNoProfiles() throws {
        let shared = try config(nil)
        #expect(shared.profiles.isEmpty && shared.services.isEmpty && shared.ssoSessions.isEmpty)
        #expect(!shared.configFileExists && !shared.credentialsFileExists)
        #expect(shared.configPath == "/cfg" && shared.credentialsPath == "/creds")
    }

    // MARK: shell words and section kinds

    @Test func aCommandLineIsNamedByItsProgramOnly() throws {
        #expect(ShellWords.programName("get-token --password 'hunter2'") == "get-token")
        // An unclosed quote must not make the arguments (a password here) show instead.
        #expect(!ShellWords.programName("get-token --password 'hunter2").contains("hunter2"))
        let plan = try makeTestPlan("""
            [profile p]
            sts_proc_role_arn = arn:aws:iam::111122223333:role/R
            sts_proc_web_identity_token_process = get-token --password "hunter2
            """)
        guard case .webIdentity(let source) = plan.source else {
            Issue.record("not a web-identity plan")
            return
        }
        #expect(!source.token.description.contains("hunter2"))
    }

    @Test func shellWordsFollowPythonShlex() {
        #expect(ShellWords.split("profile a") == ["profile", "a"])
        #expect(ShellWords.split("  profile \t a  ") == ["profile", "a"])
        #expect(ShellWords.split(#"profile "a b""#) == ["profile", "a b"])
        #expect(ShellWords.split(#"profile "a\"b\x""#) == ["profile", #"a"b\x"#])
        #expect(ShellWords.split(#"profile 'a\'"#) == ["profile", #"a\"#])
        #expect(ShellWords.split(#"profile a"b c"d"#) == ["profile", "ab cd"])
        #expect(ShellWords.split(#"profile a\ b"#) == ["profile", "a b"])
        #expect(ShellWords.split(#"profile """#) == ["profile", ""])
        #expect(ShellWords.split(#"profile "a"#) == nil)
        #expect(ShellWords.split(#"profile a\"#) == nil)
        #expect(ShellWords.split("") == [])
    }

    @Test func sectionKinds() {
        #expect(SectionName("default") == .profile("default"))
        #expect(SectionName("profile default") == .profile("default"))
        #expect(SectionName("DEFAULT") == .other)
        #expect(SectionName("sso-session s") == .ssoSession("s"))
        #expect(SectionName("sso-sessions s") == .ssoSession("s"))
        #expect(SectionName("services s") == .services("s"))
        #expect(SectionName("services") == .other)
        #expect(SectionName("plugins") == .other)
    }

    // MARK: paths

    @Test func pathsExpandVariablesThenTilde() {
        let environment = ["HOME": "/home/u/", "DIR": "/etc/aws", "TILDE": "~", "V": "$HOME"]
        #expect(ConfigPath.config(environment: environment) == "/home/u/.aws/config")
        #expect(ConfigPath.credentials(environment: environment) == "/home/u/.aws/credentials")
        #expect(ConfigPath.expand("$DIR/config", environment: environment) == "/etc/aws/config")
        #expect(ConfigPath.expand("${DIR}x", environment: environment) == "/etc/awsx")
        #expect(ConfigPath.expand("$TILDE/c", environment: environment) == "/home/u/c")
        #expect(ConfigPath.expand("$V/c", environment: environment) == "$HOME/c")
        #expect(ConfigPath.expand("$NOPE/${NOPE}/$", environment: environment) == "$NOPE/${NOPE}/$")
        #expect(ConfigPath.expand("$DIRX", environment: environment) == "$DIRX")
        #expect(ConfigPath.expand("~", environment: ["HOME": "/"]) == "/")
        #expect(ConfigPath.expand("~/c", environment: ["HOME": "/"]) == "/c")
        #expect(ConfigPath.expand("a/~/c", environment: environment) == "a/~/c")
        #expect(ConfigPath.expand("~nosuchuser-sts-proc/c", environment: environment) == "~nosuchuser-sts-proc/c")
        #expect(ConfigPath.config(environment: ["AWS_CONFIG_FILE": "${DIR}/cfg", "DIR": "/x"]) == "/x/cfg")
        #expect(ConfigPath.credentials(environment: ["AWS_SHARED_CREDENTIALS_FILE": ""]) == "")
    }

    // MARK: reading files

    @Test func loadReadsBothFilesFromTheVariables() throws {
        let folder = try TemporaryFolder()
        try folder.write("cfg", "[profile a]\nregion = r\n")
        try folder.write("creds", "[a]\naws_access_key_id = AKIA\n")
        let shared = try SharedConfig.load(environment: [
            "HOME": folder.path, "AWS_CONFIG_FILE": "~/cfg", "AWS_SHARED_CREDENTIALS_FILE": "$HOME/creds",
        ])
        #expect(shared.configPath == folder.path + "/cfg")
        #expect(shared.credentialsPath == folder.path + "/creds")
        #expect(shared.configFileExists && shared.credentialsFileExists)
        #expect(shared.profiles["a"] == ["region": .text("r"), "aws_access_key_id": .text("AKIA")])
    }

    @Test func missingFilesAndDefaultPathsAreAbsent() throws {
        let folder = try TemporaryFolder()
        let shared = try SharedConfig.load(environment: ["HOME": folder.path])
        #expect(shared.configPath == folder.path + "/.aws/config")
        #expect(shared.credentialsPath == folder.path + "/.aws/credentials")
        #expect(!shared.configFileExists && !shared.credentialsFileExists)
        let empty = try SharedConfig.load(environment: ["HOME": folder.path, "AWS_CONFIG_FILE": "", "AWS_SHARED_CREDENTIALS_FILE": folder.path + "/f/x"])
        #expect(!empty.configFileExists && !empty.credentialsFileExists)
    }

    @Test func devNullAndFIFOsAreAbsentAndNeverBlock() throws {
        let folder = try TemporaryFolder()
        #expect(mkfifo(folder.path + "/fifo", 0o600) == 0)
        let shared = try SharedConfig.load(environment: [
            "HOME": folder.path, "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": folder.path + "/fifo",
        ])
        #expect(!shared.configFileExists && !shared.credentialsFileExists)
    }

    @Test func directoryIsAnError() throws {
        let folder = try TemporaryFolder()
        let error = loadFailure(["HOME": folder.path, "AWS_CONFIG_FILE": folder.path])
        #expect(error?.kind == .configuration)
        #expect(error?.failure == "cannot read config file \(folder.path)")
        #expect(error?.reason == "it is a directory")
        #expect(loadFailure(["HOME": folder.path, "AWS_SHARED_CREDENTIALS_FILE": "~"])?.failure
                == "cannot read credentials file \(folder.path)")
    }

    @Test func invalidUTF8IsAnError() throws {
        let folder = try TemporaryFolder()
        try folder.write("cfg", [0x5B, 0x61, 0x5D, 0x0A, 0x6B, 0x3D, 0xFF, 0x0A])
        #expect(loadFailure(["HOME": folder.path, "AWS_CONFIG_FILE": folder.path + "/cfg"])?.reason == "it is not UTF-8 text")
    }

    @Test func oversizedFileIsAnError() throws {
        let folder = try TemporaryFolder()
        try folder.write("cfg", [UInt8](repeating: 0x0A, count: ConfigFileReader.sizeLimit + 1))
        #expect(loadFailure(["HOME": folder.path, "AWS_CONFIG_FILE": folder.path + "/cfg"])?.reason == "it is larger than 4 MiB")
        try folder.write("ok", [UInt8](repeating: 0x0A, count: ConfigFileReader.sizeLimit))
        #expect(loadFailure(["HOME": folder.path, "AWS_CONFIG_FILE": folder.path + "/ok"]) == nil)
    }

    @Test(.enabled(if: getuid() != 0, "root can read any file"))
    func unreadableFileIsAnError() throws {
        let folder = try TemporaryFolder()
        try folder.write("cfg", "[a]\n")
        chmod(folder.path + "/cfg", 0)
        let error = loadFailure(["HOME": folder.path, "AWS_CONFIG_FILE": folder.path + "/cfg"])
        #expect(error?.reason == String(cString: strerror(EACCES)))
    }

    @Test func parseErrorsCarryTheExpandedPath() throws {
        let folder = try TemporaryFolder()
        try folder.write("creds", "[a]\n[a]\n")
        #expect(loadFailure(["HOME": folder.path, "AWS_SHARED_CREDENTIALS_FILE": "~/creds"])?.failure
                == "cannot parse \(folder.path)/creds")
    }

    private func loadFailure(_ environment: [String: String]) -> STSProcError? {
        do {
            _ = try SharedConfig.load(environment: environment)
            return nil
        } catch {
            return error
        }
    }
}

/// A private folder under /tmp, removed with everything in it when the test ends.
private final class TemporaryFolder {
    struct Failure: Error {}
    let path: String

    init() throws {
        var template = Array("/tmp/sts-proc-config-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure() }
        path = String(cString: made)
    }

    func write(_ name: String, _ text: String) throws {
        try write(name, Array(text.utf8))
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        let descriptor = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw Failure() }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw Failure() }
    }

    deinit {
        guard let directory = opendir(path) else { return }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { unlink(path + "/" + name) }
        }
        closedir(directory)
        rmdir(path)
    }
}
