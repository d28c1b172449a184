import FuzzSupport
@testable import STSProcCore

/// SharedFileEditor, behind `write`, `keys` and `sso populate`: replaces or removes one
/// section of a shared file and must leave the rest as every reader reads it.
///
/// The input is the file. Each run edits the section `ci` and the first two sections the
/// file itself names, so that edits meet real headers. Properties, for any
/// file the parser accepts:
/// - replacing a section whose name is writable always succeeds; the result parses with
///   the same parser, holds that section once, with exactly the new values (and what
///   `[DEFAULT]` gives every section), every other section as before, and the marker
///   comment first under the header (`sso populate` finds its sections by it); replacing
///   again changes nothing;
/// - removing a section either succeeds, leaving every other section as before and that
///   one gone, or refuses (when taking it out would change how the next lines read);
/// - a name that is not writable is refused.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCredentialsEditor(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let text = fuzzText(data, size), let before = try? INIParser.parseFile(text, path: path) else { return 0 }
    var names = ["ci"]
    for section in before.sections.prefix(2) where !names.contains(where: { PythonText.same($0, section.name) }) {
        names.append(section.name)
    }
    for name in names {
        checkReplacing(name, in: text, before: before)
        checkRemoving(name, in: text, before: before)
    }
    return 0
}

private let path = "/fuzz/credentials"
private let comment = "written by the fuzzer"
private let values = [(key: "aws_access_key_id", value: "ASIAFUZZ"), (key: "aws_secret_access_key", value: "s/e+c=r:e;t #x"),
                      (key: "aws_session_token", value: "")]

private func others(_ sections: [INISection], _ name: String) -> [INISection] {
    sections.filter { !PythonText.same($0.name, name) }
}

private func checkReplacing(_ name: String, in text: String, before: INIParser.File) {
    let section = SharedFileEditor.Section(name: name, comment: comment, values: values)
    let edited: String
    do {
        edited = try SharedFileEditor.replacingSection(section, in: text, path: path)
    } catch {
        require(SharedFileEditor.problem(sectionName: name) != nil,
                "refused to write [\(name)] into \(String(reflecting: text)): \(error.message)")
        return
    }
    require(SharedFileEditor.problem(sectionName: name) == nil, "wrote [\(name)], a name it calls unwritable")
    func context() -> String { "writing [\(name)] into \(String(reflecting: text)) gave \(String(reflecting: edited))" }
    guard let after = try? INIParser.parseFile(edited, path: path) else {
        require(false, "\(context()), which does not parse")
        return
    }
    let targets = after.sections.filter { PythonText.same($0.name, name) }
    require(targets.count == 1, "\(context()), with \(targets.count) sections [\(name)]")
    var expected = before.defaults
    for (key, value) in values { expected[key] = .text(value) }
    require(targets.first?.values == expected, "\(context()): its values are \(String(reflecting: targets.first?.values))")
    require(others(after.sections, name) == others(before.sections, name), "\(context()): other sections changed")
    require(after.defaults == before.defaults, "\(context()): [DEFAULT] changed")
    require(SharedFileEditor.leadingComments(ofSection: name, in: edited).first == comment,
            "\(context()): the marker comment is not first")
    let twice = try? SharedFileEditor.replacingSection(section, in: edited, path: path)
    require(twice == edited, "\(context()); writing it again gave \(String(reflecting: twice))")
}

private func checkRemoving(_ name: String, in text: String, before: INIParser.File) {
    let edited: String
    do {
        edited = try SharedFileEditor.removingSection(name, in: text, path: path)
    } catch {
        return  // refusing is always allowed: the file is then not written
    }
    func context() -> String { "removing [\(name)] from \(String(reflecting: text)) gave \(String(reflecting: edited))" }
    guard let after = try? INIParser.parseFile(edited, path: path) else {
        require(false, "\(context()), which does not parse")
        return
    }
    require(!after.sections.contains { PythonText.same($0.name, name) }, "\(context()), which still has it")
    require(after.sections == others(before.sections, name), "\(context()): other sections changed")
    if !before.sections.contains(where: { PythonText.same($0.name, name) }) {
        require(edited == text, "\(context()), though it had no such section")
    }
}

@main enum FuzzCredentialsEditor {
    static func main() { runLibFuzzer(fuzzCredentialsEditor) }
}
