import Foundation
@testable import SalesCTLCommands
import Testing
import TestSupport

@Suite("Table output shows control characters escaped, never raw")
struct OutputTests {
    @Test("ESC, BEL, CR, tab, DEL and C1 controls in cells are escaped; columns align on the escaped text")
    func renderEscapes() {
        let table = Output.renderTable(["NAME", "N"], [["a\u{1B}[2J\u{07}b\rc\td\u{7F}e\u{85}f\\g", "1"], [nil, "2"]])
        #expect(!table.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" })
        #expect(table.contains(#"a\u{1B}[2J\u{7}b\u{D}c\u{9}d\u{7F}e\u{85}f\\g  1"#))
        #expect(table.split(separator: "\n").count == 4)
    }

    @Test("team list escapes a team name that would clear the operator's screen")
    func teamListEscapes() throws {
        let database = try TestDatabase.migrated()
        #expect(try SalesCTLProcess.run(["org", "create", "acme", "--name", "Acme"], database: database).status == 0)
        let created = try SalesCTLProcess.run(["team", "create", "--org", "acme", "--external-id", "evil",
                                               "--name", "Evil\u{1B}[2J\u{07}\rOK"], database: database)
        #expect(created.status == 0, "\(created.stderr)")
        let listed = try SalesCTLProcess.run(["team", "list", "--org", "acme"], database: database)
        #expect(listed.status == 0)
        #expect(!listed.stdout.utf8.contains(0x1B) && !listed.stdout.utf8.contains(0x07) && !listed.stdout.utf8.contains(0x0D))
        #expect(listed.stdout.contains(#"Evil\u{1B}[2J\u{7}\u{D}OK"#))
    }
}

@Suite("CSV output cannot act on a spreadsheet or a terminal")
struct CSVOutputTests {
    @Test("cells starting with =, +, - or @ that are not numbers get a leading quote; numbers stay numbers; control characters are escaped")
    func formulasAndControlsAreNeutralized() {
        let csv = Output.csv(["NAME", "VALUE"], [
            ["=HYPERLINK(\"http://evil\",\"x\")", "-12.5"],
            ["+1+2", "+3"],
            ["-cmd|' /C calc'!A0", "1e3"],
            ["@SUM(A1)", "-7%"],
            ["tab\there\u{1B}[2J", "ok"],
        ])
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines[0] == "name,value")
        #expect(lines[1] == #""'=HYPERLINK(""http://evil"",""x"")",-12.5"#)
        #expect(lines[2] == "'+1+2,+3")
        #expect(lines[3] == "'-cmd|' /C calc'!A0,1e3")
        #expect(lines[4] == "'@SUM(A1),-7%")
        #expect(lines[5] == #"tab\u{9}here\u{1B}[2J,ok"#)
        #expect(!csv.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" })
    }
}

@Suite("One output option for every list and show command: table, JSON or CSV, one at a time")
struct OutputFormatTests {
    static var sample: Rendering { Rendering(table: Output.renderTable(["NAME", "ATTAINMENT %"], [["North, East", "97.5"], ["Say \"hi\"", nil]]),
                                  header: ["NAME", "ATTAINMENT %"], rows: [["North, East", "97.5"], ["Say \"hi\"", nil]],
                                  json: ["north": 97.5]) }

    @Test("render returns the table, the JSON or RFC 4180 CSV with a snake_case header")
    func render() throws {
        #expect(try Output.render(Self.sample, as: .table) == "NAME         ATTAINMENT %\n-----------  ------------\nNorth, East  97.5\nSay \"hi\"\n")
        #expect(try Output.render(Self.sample, as: .json) == "{\n  \"north\" : 97.5\n}\n")
        #expect(try Output.render(Self.sample, as: .csv) == "name,attainment_pct\n\"North, East\",97.5\n\"Say \"\"hi\"\"\",\n")
    }

    @Test("--table, --json and --csv exclude each other on every list and show command", arguments: [
        ["team", "list", "--org", "acme", "--json", "--csv"], ["rep", "list", "--org", "acme", "--table", "--json"],
        ["kpi", "show", "--org", "acme", "--period", "2026-11", "--json", "--csv"], ["org", "list", "--csv", "--json"],
        ["scheduler", "status", "--json", "--csv"], ["token", "list", "--org", "acme", "--csv", "--table"],
    ])
    func exclusive(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try SalesCTL.parseAsRoot(arguments) }
    }

    @Test("team list --csv prints the teams as CSV")
    func teamListCSV() throws {
        let database = try TestDatabase.migrated()
        #expect(try SalesCTLProcess.run(["org", "create", "acme", "--name", "Acme"], database: database).status == 0)
        #expect(try SalesCTLProcess.run(["team", "create", "--org", "acme", "--external-id", "north", "--name", "North, East"],
                                        database: database).status == 0)
        let listed = try SalesCTLProcess.run(["team", "list", "--org", "acme", "--csv"], database: database)
        #expect(listed.stdout == "external_id,name,parent,kind\nnorth,\"North, East\",,field\n")
    }
}
