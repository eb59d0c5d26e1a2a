import ArgumentParser
import FastText
import MuscleBalance
import Glibc

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the summaries of a batch scored in shards into one summary.csv.",
        discussion: """
            `mbt score --shard I/N` writes DIR/summary-I-of-N.csv beside its reports. Given DIR, \
            merge checks that every part from 0 to N-1 is there and writes DIR/summary.csv, the \
            summary one run over the whole batch would have written, byte for byte. Given \
            summary files, it merges those into --out. A file found in two parts is refused.

            Examples:
              mbt merge reports
              mbt merge reports/summary-0-of-2.csv reports/summary-1-of-2.csv --out all.csv
            """
    )

    @Argument(help: "A folder of shard summaries, or the summary files themselves.")
    var inputs: [String]

    @Option(name: .long, help: ArgumentHelp("Where to write the merged summary (default: FOLDER/summary.csv).", valueName: "file"))
    var out: String?

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give the folder of shard summaries, or the summaries") }
    }

    func run() throws {
        var isFolder: Bool {
            var info = stat()
            return inputs.count == 1 && stat(inputs[0], &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
        }
        let summaries: [String]
        let output: String
        do {
            if isFolder {
                summaries = try SummaryMerge.shardSummaries(in: inputs[0])
                output = out ?? inputs[0] + "/summary.csv"
            } else {
                guard let out else { throw ValidationError("give --out FILE when merging summary files by name") }
                summaries = inputs
                output = out
            }
            // The merged summary must not replace one of the parts it is made from.
            try refuseOverwritingInput(output, inputs: summaries, flag: "--out")
            let rows = try SummaryMerge.merge(summaries, into: output)
            _ = writeStandardOutput("\(summaries.count) summaries merged: \(rows) \(rows == 1 ? "row" : "rows") in \(VisibleText.escaped(output))\n")
        } catch let failure as SummaryMerge.Failure {
            throw EnvironmentFailure(message: failure.description)
        } catch let error as ValidationError {
            throw error
        } catch let failure as EnvironmentFailure {
            throw failure
        } catch {
            throw EnvironmentFailure(message: "\(error)")
        }
    }
}
