/// The console's files, compiled into the binary (`Assets/`, embedded by
/// SwiftPM): nothing to install or build beside the executable.
enum ConsoleAssets {
    static let consoleHTML = PackageResources.console_html
    static let loginHTML = PackageResources.login_html
    static let appJS = PackageResources.app_js
    static let appCSS = PackageResources.app_css
}
