import ArgumentParser
import GatewayApp

/// The executable's entry point. Global options may come before the command
/// (`complaint-gateway --config FILE ingest …`, as MTA pipe lines write them);
/// they are moved after it, where ArgumentParser reads them.
@main
enum EntryPoint {
    static func main() async {
        await GatewayCommand.main(GatewayCommand.hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
    }
}
