import Testing
@testable import STSProcCore

@Suite struct CredentialsFileEditorTests {
    private let section = ["[ci]", "aws_access_key_id = ASIA2", "aws_secret_access_key = s2"]

    @Test func replacesOnlyTheNamedSectionKeepingEverythingElseByteForByte() {
        let original = "# my keys\r\n[base]\r\naws_access_key_id = AKIA1\r\n\r\n[ci]\naws_access_key_id = OLD\n; comment inside\naws_secret_access_key = old\n\n# about prod\n[prod]\nx = 1"
        let edited = CredentialsFileEditor.replacingSection("ci", in: original, with: section)
        #expect(edited == "# my keys\r\n[base]\r\naws_access_key_id = AKIA1\r\n\r\n[ci]\naws_access_key_id = ASIA2\naws_secret_access_key = s2\n\n# about prod\n[prod]\nx = 1")
    }

    @Test func appendsAMissingSectionAndIsIdempotent() {
        let original = "[base]\naws_access_key_id = AKIA1"
        let once = CredentialsFileEditor.replacingSection("ci", in: original, with: section)
        #expect(once == "[base]\naws_access_key_id = AKIA1\n\n[ci]\naws_access_key_id = ASIA2\naws_secret_access_key = s2\n")
        #expect(CredentialsFileEditor.replacingSection("ci", in: once, with: section) == once)
        #expect(CredentialsFileEditor.replacingSection("ci", in: "", with: section) == "[ci]\naws_access_key_id = ASIA2\naws_secret_access_key = s2\n")
    }

    @Test func duplicatesCollapseIntoOneSection() {
        let original = "[ci]\na = 1\n[other]\nb = 2\n[ci]\nc = 3\n"
        let edited = CredentialsFileEditor.replacingSection("ci", in: original, with: section)
        #expect(edited == "[ci]\naws_access_key_id = ASIA2\naws_secret_access_key = s2\n[other]\nb = 2\n")
    }

    @Test func indentedBracketLinesAreValuesNotHeaders() {
        let original = "[ci]\npolicy =\n  [not a header]\n[keep]\nk = v\n"
        let edited = CredentialsFileEditor.replacingSection("ci", in: original, with: section)
        #expect(edited == "[ci]\naws_access_key_id = ASIA2\naws_secret_access_key = s2\n[keep]\nk = v\n")
    }

    @Test func readsASectionsValues() {
        let values = CredentialsFileEditor.values(ofSection: "base", in: "[x]\na = 1\n[base]\nAWS_Access_Key_Id = AKIA1\n# c\n[y]\n")
        #expect(values == ["aws_access_key_id": "AKIA1"])
    }
}
