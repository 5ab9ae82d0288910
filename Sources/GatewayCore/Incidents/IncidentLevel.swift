import Foundation

/// One grade of a mass complaint: `customers` distinct customers within
/// `window` in one incident cluster (complaint desks grade group complaints
/// yellow, orange, red by how many customers complain and how fast).
public struct IncidentLevel: Sendable, Equatable {
    public var name: String
    public var customers: Int
    public var window: TimeInterval

    public init(name: String, customers: Int, window: TimeInterval) {
        self.name = name
        self.customers = customers
        self.window = window
    }
}
