// The floor of make bench-serve: the same stack as tgauth-serve (Hummingbird 2 on SwiftNIO, one router, one
// middleware-free route) answering 202 and doing nothing else. Not installed.
//   tgauth-serve-floor PORT
import Hummingbird

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 4181 : 4181
let router = Router()
router.get("/floor") { _, _ in Response(status: .accepted) }
try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port))).runService()
