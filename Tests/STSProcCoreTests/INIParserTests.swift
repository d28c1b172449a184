import Testing
@testable import STSProcCore

/// The dialect of Python's `configparser.RawConfigParser` + botocore's `raw_config_parse`.
/// Expected values were checked against botocore 1.43 on Python 3.11.
@Suite struct INIParserTests {
    private func parse(_ text: String) throws(STSProcError) -> [INISection] {
        try INIParser.parse(text, path: "/cfg")
    }

    private func values(_ text: String, _ section: String) throws -> [String: INIValue] {
        try #require(try parse(text).first { $0.name == section }).values
    }

    private func failure(_ text: String) -> STSProcError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    // MARK: keys, values, delimiters

    @Test func sectionsComeInFileOrderWithLowerCasedKeysAndStrippedValues() throws {
        let sections = try parse("[B]\nRole_ARN  =  arn:x  \n[a]\nk=v\n")
        #expect(sections.map(\.name) == ["B", "a"])
        #expect(sections[0].values == ["role_arn": .text("arn:x")])
        #expect(sections[1].values == ["k": .text("v")])
    }

    @Test func colonIsADelimiterAndTheFirstDelimiterWins() throws {
        let result = try values("""
            [p]
            region: eu-west-1
            a:b=c
            endpoint_url = https://sts.example:8443/x
            x = y = z
            """, "p")
        #expect(result == [
            "region": .text("eu-west-1"), "a": .text("b=c"),
            "endpoint_url": .text("https://sts.example:8443/x"), "x": .text("y = z"),
        ])
    }

    @Test func keyMayContainSpacesAndIsOnlyRightTrimmedBeforeTheDelimiter() throws {
        #expect(try values("[p]\nmy Key\t= 1\n", "p") == ["my key": .text("1")])
    }

    @Test func emptyValueIsKeptAsEmptyText() throws {
        #expect(try values("[p]\nrole_arn =\nregion:\n", "p") == ["role_arn": .text(""), "region": .text("")])
    }

    @Test func sectionNamesKeepTheirCaseAndSpaces() throws {
        #expect(try parse("[Profile X]\n[ spaced ]\n").map(\.name) == ["Profile X", " spaced "])
    }

    @Test func pythonWhitespaceIsStrippedIncludingNoBreakSpace() throws {
        #expect(try values("[p]\nk\u{A0}=\u{A0}v\u{A0}\n", "p") == ["k": .text("v")])
        // An ideographic space indents, so this line continues `k`, as in Python.
        #expect(try values("[p]\nk = v\n\u{3000}j = w\n", "p") == ["k": .text("v\nj = w")])
    }

    @Test func keysAreLowerCasedAsPythonDoes() throws {
        #expect(try values("[p]\nÄBC = 1\nΣΑΣ = 2\n", "p") == ["äbc": .text("1"), "σας": .text("2")])
    }

    // MARK: comments

    @Test func commentsOnlyAtLineStart() throws {
        let result = try values("""
            # leading comment
            ; another
            [p]
            key = value # not a comment
            other = v ; not either
              # indented comment
            \t; indented too
            """, "p")
        #expect(result == ["key": .text("value # not a comment"), "other": .text("v ; not either")])
    }

    @Test func valueMayStartWithAHash() throws {
        #expect(try values("[p]\nk = #x\n", "p") == ["k": .text("#x")])
    }

    // MARK: continuation lines

    @Test func deeperIndentedLinesContinueTheValue() throws {
        let result = try values("""
            [p]
            policy = {
                "Version": "2012-10-17",

                "Statement": []
              }


            next = 1
            """, "p")
        #expect(result["policy"] == .text("{\n\"Version\": \"2012-10-17\",\n\n\"Statement\": []\n}"))
        #expect(result["next"] == .text("1"))
    }

    @Test func commentLinesInsideAContinuationAreSkipped() throws {
        #expect(try values("[p]\nk = a\n  b\n  # c\n  d\n", "p") == ["k": .text("a\nb\nd")])
    }

    @Test func equallyIndentedLinesAreSeparateKeys() throws {
        #expect(try values("[p]\n  a = 1\n  b = 2\n", "p") == ["a": .text("1"), "b": .text("2")])
        // A tab counts as one column, like a space.
        #expect(try values("[p]\n\ta = 1\n b = 2\n", "p") == ["a": .text("1"), "b": .text("2")])
    }

    @Test func anIndentedHeaderInsideAValueIsPartOfTheValue() throws {
        #expect(try parse("[p]\nk = v\n    [q]\n").map(\.name) == ["p"])
        #expect(try values("[p]\nk = v\n    [q]\n", "p") == ["k": .text("v\n[q]")])
    }

    @Test func indentedHeaderStartsASectionWhenNotAContinuation() throws {
        #expect(try parse("  [p]  \n\tregion\t=\ta b \t\n").first?.values == ["region": .text("a b")])
    }

    @Test func crlfAndLoneCRAreLineEnds() throws {
        #expect(try values("[p]\r\na = 1\r\nk =\r\n  x = 1\r\n", "p") == ["a": .text("1"), "k": .nested(["x": "1"])])
        #expect(try values("[p]\ra = 1\rb = 2", "p") == ["a": .text("1"), "b": .text("2")])
    }

    // MARK: nested blocks

    @Test func emptyFirstLineMakesANestedBlock() throws {
        let result = try values("""
            [services local]
            s3 =
              addressing_style = path

              Signature_Version = s3v4
              a = b = c
              empty =
            sts =
                endpoint_url = http://127.0.0.1:4566
            """, "services local")
        #expect(result["s3"] == .nested([
            "addressing_style": "path", "Signature_Version": "s3v4", "a": "b = c", "empty": "",
        ]))
        #expect(result["sts"] == .nested(["endpoint_url": "http://127.0.0.1:4566"]))
    }

    @Test func nestedBlockUsesOnlyEqualsAsDelimiter() throws {
        let error = try #require(failure("[p]\ns3 =\n  addressing_style: path\n"))
        #expect(error.failure == "cannot parse /cfg")
        #expect(error.reason.hasPrefix("line 3:"))
        #expect(error.reason.contains("`s3`"))
        #expect(!error.reason.contains("path"))
    }

    @Test func blankLinesBeforeANestedBlockStillMakeItNested() throws {
        #expect(try values("[p]\nk =\n\n  a = 1\n", "p") == ["k": .nested(["a": "1"])])
        #expect(failure("[p]\nk =\n\n  no equals\n") != nil)
    }

    @Test func emptyValueFollowedByBlankLinesIsEmptyText() throws {
        #expect(try values("[p]\nk =\n\n\n[q]\n", "p") == ["k": .text("")])
    }

    // MARK: [DEFAULT]

    @Test func defaultSectionIsInheritedByEverySectionAndNotListed() throws {
        let sections = try parse("""
            [DEFAULT]
            region = r
            outer = o
            [profile a]
            region = own
            [sso-session s]
            """)
        #expect(sections.map(\.name) == ["profile a", "sso-session s"])
        #expect(sections[0].values == ["region": .text("own"), "outer": .text("o")])
        #expect(sections[1].values == ["region": .text("r"), "outer": .text("o")])
    }

    @Test func defaultSectionMayAppearTwiceButNotRepeatAKey() throws {
        #expect(try values("[DEFAULT]\nx = 1\n[DEFAULT]\ny = 2\n[a]\n", "a") == ["x": .text("1"), "y": .text("2")])
        #expect(failure("[DEFAULT]\nx = 1\n[DEFAULT]\nX = 2\n")?.reason == "line 4: `x` appears twice in section [DEFAULT]")
    }

    @Test func lowerCaseDefaultIsAnOrdinarySection() throws {
        #expect(try parse("[default]\nk = v\n").map(\.name) == ["default"])
    }

    // MARK: section headers

    @Test func headerRunsToTheLastBracketAndIgnoresTheRest() throws {
        #expect(try parse("[a] trailing words\n[x]]y] # z\n").map(\.name) == ["a", "x]]y"])
    }

    @Test func emptyBracketsAreNotAHeader() {
        #expect(failure("[p]\n[]\n")?.reason == "line 2 in section [p] has no `=` or `:`")
    }

    // MARK: strict-mode errors

    @Test func duplicateSectionIsAnError() {
        let error = failure("[a]\nx = 1\n[a]\ny = 2\n")
        #expect(error?.kind == .configuration)
        #expect(error?.failure == "cannot parse /cfg")
        #expect(error?.reason == "line 3: section [a] appears twice")
    }

    @Test func duplicateKeyIsAnErrorWhateverItsCase() {
        #expect(failure("[a]\nregion = 1\nREGION = 2\n")?.reason == "line 3: `region` appears twice in section [a]")
    }

    @Test func lineWithoutDelimiterIsAnError() {
        #expect(failure("[a]\njunk line\n")?.reason == "line 2 in section [a] has no `=` or `:`")
    }

    @Test func lineWithoutKeyIsAnError() {
        #expect(failure("[a]\n= value\n")?.reason == "line 2 in section [a] has a value but no setting name")
    }

    @Test func settingBeforeTheFirstHeaderIsAnError() {
        #expect(failure("# ok\n\nregion = x\n[default]\n")?.reason.hasPrefix("line 3 is outside any [section]") == true)
    }

    @Test func byteOrderMarkIsAnErrorAsInTheAWSCLI() {
        let error = failure("\u{FEFF}[default]\nregion = x\n")
        #expect(error?.reason == "line 1: the file starts with a byte-order mark (U+FEFF)")
        #expect(error?.remedy.contains("without a byte-order mark") == true)
    }

    @Test func emptyAndCommentOnlyFilesHaveNoSections() throws {
        #expect(try parse("").isEmpty)
        #expect(try parse("\n# only\n; comments\n   \n").isEmpty)
    }

    // MARK: secrets stay out of errors

    @Test func errorsNeverEchoValues() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let texts = [
            "[a]\naws_secret_access_key = \(secret)\naws_secret_access_key = \(secret)\n",
            "[a]\n\(secret)\n",
            "[a]\naws_secret_access_key \(secret)\n",
            "[a]\n\(secret)=\n\(secret)=\n",
            "[a]\nk =\n  \(secret)\n",
        ]
        for text in texts {
            let error = failure(text)
            #expect(error != nil)
            #expect(error.map { !$0.message.lowercased().contains(secret.lowercased()) } == true, "\(error?.message ?? "")")
        }
    }

    @Test func pastedSecretUsedAsAKeyIsNotNamed() {
        let token = "FwoGZXIvYXdzEBYaDHhBTkNJRkVCQkFERklHU0VDUkVUWFhYWFhYWFhYWFhYWFhY"
        #expect(failure("[a]\n\(token)=\n\(token)=\n")?.reason == "line 3: a setting appears twice in section [a]")
    }
}
