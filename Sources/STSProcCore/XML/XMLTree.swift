internal import CLibXML2

/// A parsed XML document reduced to what sts-proc reads: elements, their local names,
/// namespace URIs, attributes and text. Built once from libxml2's tree, then the C document
/// is freed, so no C type or lifetime escapes this file.
struct XMLElement: Sendable, Equatable {
    var localName: String
    var namespaceURI: String?
    var attributes: [String: String]
    var children: [XMLElement]
    /// The concatenated text directly inside this element.
    var text: String

    /// Depth-first, document order.
    func first(named localName: String) -> XMLElement? {
        if self.localName == localName { return self }
        for child in children {
            if let found = child.first(named: localName) { return found }
        }
        return nil
    }

    func all(named localName: String) -> [XMLElement] {
        var found: [XMLElement] = []
        collect(named: localName, into: &found)
        return found
    }

    private func collect(named localName: String, into found: inout [XMLElement]) {
        if self.localName == localName { found.append(self) }
        for child in children { child.collect(named: localName, into: &found) }
    }

    /// Text of the first descendant with this local name, trimmed.
    func text(of localName: String) -> String? {
        first(named: localName).map { $0.text.trimmingWhitespace() }
    }
}

enum XMLTree {
    struct Malformed: Error {
        /// libxml2 itself could not be loaded, so nothing could be parsed.
        var libraryMissing = false
    }

    /// Loads libxml2 (and the ICU it links) ahead of the first parse; any thread may call it.
    static func preload() { _ = stsproc_xml_available() }

    /// Parses a document without touching the network or expanding external entities, and
    /// without libxml2 printing its complaints to stderr (stderr belongs to our one error line).
    static func parse(_ bytes: [UInt8]) throws(Malformed) -> XMLElement {
        guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else { throw Malformed() }
        guard stsproc_xml_available() != 0 else { throw Malformed(libraryMissing: true) }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                stsproc_xml_read_memory($0, Int32(buffer.count), options)
            }
        }
        guard let document else { throw Malformed() }
        defer { stsproc_xml_free_doc(document) }
        guard let root = stsproc_xml_root_element(document) else { throw Malformed() }
        return element(from: root)
    }

    private static func element(from node: xmlNodePtr) -> XMLElement {
        var attributes: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            if let name = current.pointee.name {
                // An attribute's value is the text of its child nodes (entities are not expanded).
                var value = ""
                var part = current.pointee.children
                while let text = part {
                    if let content = text.pointee.content { value += String(cString: content) }
                    part = text.pointee.next
                }
                attributes[String(cString: name)] = value
            }
            attribute = current.pointee.next
        }
        var children: [XMLElement] = []
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(element(from: current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { text += String(cString: content) }
            default:
                break
            }
            child = current.pointee.next
        }
        let namespace = node.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
        return XMLElement(localName: String(cString: node.pointee.name), namespaceURI: namespace,
                          attributes: attributes, children: children, text: text)
    }
}
