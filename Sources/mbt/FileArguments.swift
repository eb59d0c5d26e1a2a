import ArgumentParser

/// A subcommand whose list of files may run to thousands (`mbt score clinic/*.xml`).
///
/// swift-argument-parser 1.8.2 adds each value of an array argument by copying the array out
/// of its type-erased box and merging the set of every input position seen so far
/// (`ParsedValues.update(forKey:inputOrigin:initial:closure:)`), so n paths cost O(n²):
/// 2,000 paths took 0.12 s and 4,000 took 0.43 s before any file was opened. Such commands'
/// paths are taken out of the arguments before parsing (`FileArguments.split`) and handed over
/// after it; the parser still sees the first path, so its usage errors and help are unchanged.
protocol TakesManyFiles: ParsableCommand {
    /// The command's options that take a value (`--out DIR`), so that DIR is not taken for a
    /// file. A test holds this list to the command's own definitions.
    static var optionsWithValues: Set<String> { get }
    var files: [String] { get set }
}

enum FileArguments {
    /// What the argument parser is given, and the files kept back from it.
    struct Split: Equatable {
        var forParser: [String]
        /// Every positional argument, in order; nil when the command takes few files.
        var files: [String]?
    }

    /// Splits `arguments` (those after the program name) when the first names a subcommand in
    /// `commands`; otherwise leaves them whole. The parser is given the subcommand, every
    /// option and flag as written (with the value of each option in `optionsWithValues`), and
    /// the first file after a `--`, so that a file named like an option is still a file.
    static func split(_ arguments: [String], commands: [any TakesManyFiles.Type]) -> Split {
        guard let name = arguments.first,
            let command = commands.first(where: { $0.configuration.commandName == name })
        else { return Split(forParser: arguments, files: nil) }
        var options: [String] = [name]
        var files: [String] = []
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                files += arguments[index...]
                break
            }
            guard argument.hasPrefix("-") && argument != "-" else {
                files.append(argument)
                continue
            }
            options.append(argument)
            if command.optionsWithValues.contains(argument) && index < arguments.count {
                options.append(arguments[index])
                index += 1
            }
        }
        if let first = files.first { options += ["--", first] }
        return Split(forParser: options, files: files)
    }
}
