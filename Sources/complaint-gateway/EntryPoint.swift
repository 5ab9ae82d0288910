import ArgumentParser
import GatewayApp

/// The executable's entry point: `AsyncParsableCommand` supplies `main()`.
@main
extension GatewayCommand {}
