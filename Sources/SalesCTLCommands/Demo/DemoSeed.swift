import ArgumentParser
import Foundation
import PostgresClient
import SalesOps

/// `salesctl demo seed --org SLUG [--reps N] [--days N] [--seed S] [--last-day D]`
struct DemoSeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Fill an org with realistic synthetic data, written through the import path.",
        discussion: "The same seed, size and last day give the same data; seeding twice changes nothing.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Option(help: "How many reps (at least 4).")
    var reps = 20

    @Option(help: "Days of history, ending at --last-day.")
    var days = 180

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(help: "Last day of history, YYYY-MM-DD (default: the org's local yesterday).")
    var lastDay: LocalDate?

    func validate() throws {
        guard (4...10_000).contains(self.reps) else { throw ValidationError("--reps must be 4–10000") }
        guard (1...3660).contains(self.days) else { throw ValidationError("--days must be 1–3660") }
    }

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let org = try session.org(self.scope.org)
            let lastDay = try self.lastDay ?? KPIMaterializer(connection: session.connection).localYesterday(of: org)
            let files = DemoDataGenerator(reps: self.reps, days: self.days, lastDay: lastDay, seed: self.seed).generate()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-demo-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            for (kind, csv) in files {
                let url = folder.appendingPathComponent("\(kind.rawValue).csv")
                try Data(csv.utf8).write(to: url)
                let handle = try FileHandle(forReadingFrom: url)
                defer { try? handle.close() }
                let report = try Importer(connection: session.connection).run(kind, orgID: org.id, handle: handle, fileName: "\(kind.rawValue).csv")
                print("\(kind.rawValue): \(report.rows) rows, \(report.inserted) inserted, \(report.updated) updated")
            }
            print("seeded \(org.slug) with \(self.days) days up to \(lastDay)")
        }
    }
}
