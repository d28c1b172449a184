import Testing
@testable import STSProcCore

@Suite struct SharedFileEditorTests {
    private let section = SharedFileEditor.Section(
        name: "ci", comment: "c", values: [(key: "aws_access_key_id", value: "ASIA2"), (key: "aws_secret_access_key", value: "s2")])
    private let written = "[ci]\n# c\naws_access_key_id = ASIA2\naws_secret_access_key = s2\n"

    private func edit(_ text: String, _ section: SharedFileEditor.Section? = nil) throws(STSProcError) -> String {
        try SharedFileEditor.replacingSection(section ?? self.section, in: text, path: "/creds")
    }

    @Test func replacesOnlyTheNamedSectionKeepingEverythingElseByteForByte() throws {
        let original = "# my keys\r\n[base]\r\naws_access_key_id = AKIA1\r\n\r\n[ci]\naws_access_key_id = OLD\n; comment inside\naws_secret_access_key = old\n\n# about prod\n[prod]\nx = 1"
        #expect(try edit(original) == "# my keys\r\n[base]\r\naws_access_key_id = AKIA1\r\n\r\n" + written + "\n# about prod\n[prod]\nx = 1")
    }

    @Test func appendsAMissingSectionAndIsIdempotent() throws {
        let original = "[base]\naws_access_key_id = AKIA1"
        let once = try edit(original)
        #expect(once == "[base]\naws_access_key_id = AKIA1\n\n" + written)
        #expect(try edit(once) == once)
        #expect(try edit("") == written)
    }

    /// One separator stays where a section was; `sso populate` removes and appends
    /// sections on every run, and its file used to gain blank lines each time.
    @Test func removingASectionTakesItsSeparatorAlong() throws {
        func remove(_ name: String, _ text: String) throws(STSProcError) -> String {
            try SharedFileEditor.removingSection(name, in: text, path: "/config")
        }
        #expect(try remove("ci", "[a]\nk = 1\n\n[ci]\nx = 1\n\n[b]\nk = 2\n") == "[a]\nk = 1\n\n[b]\nk = 2\n")
        #expect(try remove("ci", "[a]\nk = 1\n\n[ci]\nx = 1\n") == "[a]\nk = 1\n")
        // Without a blank line of its own before the next header, the separator stays.
        #expect(try remove("ci", "[a]\nk = 1\n\n[ci]\nx = 1\n[b]\nk = 2\n") == "[a]\nk = 1\n\n[b]\nk = 2\n")
        var text = "[a]\nk = 1\n"
        let once = try edit(text)
        for _ in 0..<3 {
            text = try edit(remove("ci", once))
            #expect(text == once)
        }
    }

    @Test func aFileTheAWSCLIRefusesIsNotEdited() {
        #expect(throws: STSProcError.self) { try edit("[ci]\na = 1\n[other]\nb = 2\n[ci]\nc = 3\n") }
    }

    @Test func indentedBracketLinesAreValuesNotHeaders() throws {
        #expect(try edit("[ci]\npolicy = {\n  [not a header]\n[keep]\nk = v\n") == written + "[keep]\nk = v\n")
    }

    /// The fuzzer's findings: each gave a file the AWS CLI refuses (a second [ci]).
    @Test(arguments: [
        ("  [ci]\na = 1\n", "  [ci]\n# c\naws_access_key_id = ASIA2\naws_secret_access_key = s2\n"),
        ("[x]\rk = v\r[ci]\ra = 1\r", "[x]\rk = v\r" + "[ci]\n# c\naws_access_key_id = ASIA2\naws_secret_access_key = s2\n"),
        ("[x]\nk = v\r\n[ci]\r\na = 1\n", "[x]\nk = v\r\n" + "[ci]\n# c\naws_access_key_id = ASIA2\naws_secret_access_key = s2\n"),
        ("\u{0C}[ci]\na = 1\n", "\u{0C}[ci]\n# c\naws_access_key_id = ASIA2\naws_secret_access_key = s2\n"),
        ("\u{85}[ci]\na = 1\n", "\u{85}[ci]\n# c\naws_access_key_id = ASIA2\naws_secret_access_key = s2\n"),
        // The next header is indented: the new settings take its indentation, or it would
        // be read as a continuation of the session token.
        ("   [ci]\n   a = 1\n  [other]\n  b = 2\n",
         "   [ci]\n  # c\n  aws_access_key_id = ASIA2\n  aws_secret_access_key = s2\n  [other]\n  b = 2\n"),
    ])
    func headersAreFoundAsTheParserFindsThem(_ original: String, _ expected: String) throws {
        let edited = try edit(original)
        #expect(edited == expected)
        let sections = try INIParser.parse(edited, path: "/creds")
        #expect(sections.filter { $0.name == "ci" }.count == 1)
    }

    @Test(arguments: ["", "DEFAULT", "a\rb", "a\nb", "a\u{85}b", "a\u{2028}b", "a]b", "[a", " a", "a\t", "a\u{0}b"])
    func namesThatWouldMakeAnotherSectionAreRefused(_ name: String) {
        #expect(SharedFileEditor.problem(sectionName: name) != nil)
        var named = section
        named.name = name
        #expect(throws: STSProcError.self) { try edit("[base]\nk = v\n", named) }
    }

    @Test func valuesWithLineBreaksAreRefused() {
        var hostile = section
        hostile.values[1].value = "s2\n[default]\naws_access_key_id = EVIL"
        #expect(throws: STSProcError.self) { try edit("[base]\nk = v\n", hostile) }
    }

    @Test func defaultValuesAreInheritedNotDuplicated() throws {
        let edited = try edit("[DEFAULT]\nregion = eu-west-1\n[ci]\nold = 1\n")
        #expect(edited == "[DEFAULT]\nregion = eu-west-1\n" + written)
    }

    @Test func readsASectionsValues() throws {
        let values = try SharedFileEditor.values(ofSection: "base", in: "[x]\na = 1\n[base]\nAWS_Access_Key_Id = AKIA1\n# c\n[y]\n", path: "/creds")
        #expect(values == ["aws_access_key_id": "AKIA1"])
    }

    /// Files assembled from the fragments the fuzzer found troublesome: whenever the parser
    /// accepts one, the edit must succeed, leave one [ci] with exactly the new keys and
    /// every other section as it read before.
    @Test func anyFileTheParserAcceptsIsEditedCorrectly() throws {
        let fragments = ["[ci]", "  [ci]", "\t[ci]", "[other]", "  [other]", "[DEFAULT]", "k = v", "  k2 = v",
                         "    continued", "# comment", "; comment", "", "   ", "\u{0C}", "\u{85}[ci]", "x: y", "[ci] trailing",
                         "[c i]", "   [ x ]"]
        let terminators = ["\n", "\r\n", "\r"]
        var generator = SplitMix64(seed: 0x5EED)
        var accepted = 0
        for _ in 0..<4000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 9) {
                text += fragments[Int(generator.next() % UInt64(fragments.count))]
                text += terminators[Int(generator.next() % UInt64(terminators.count))]
            }
            if generator.next() % 4 == 0, !text.isEmpty { text.removeLast() }
            guard let before = try? INIParser.parse(text, path: "/creds") else { continue }
            accepted += 1
            let edited: String
            do {
                edited = try edit(text)
            } catch {
                Issue.record("refused a file the parser accepts: \(String(reflecting: text)): \(error.message)")
                continue
            }
            let after = try INIParser.parse(edited, path: "/creds")
            #expect(after.filter { $0.name == "ci" }.count == 1, "\(String(reflecting: text))")
            #expect(after.filter { $0.name != "ci" } == before.filter { $0.name != "ci" }, "\(String(reflecting: text))")
        }
        #expect(accepted > 500)
    }
}

/// A small deterministic generator, so a failure can be replayed.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
