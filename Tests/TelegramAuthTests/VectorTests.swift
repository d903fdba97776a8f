import Testing

import TelegramAuthTestSupport
@testable import TelegramAuth

@Suite struct VectorTests {
    @Test func miniAppVectorsVerifyWithExpectedFields() throws {
        for vector in Vectors.miniApp {
            let validator = try MiniAppValidator(botToken: vector["bot_token"] as! String)
            let data = try validator.validate(vector["init_data"] as! String, options: noAge)
            let expect = vector["expect"] as! [String: Any]
            for (path, value) in expect {
                let actual: Any? =
                    switch path {
                    case "auth_date": data.authDate
                    case "user.id": data.user?.id
                    case "user.first_name": data.user?.firstName
                    case "user.username": data.user?.username
                    case "user.is_premium": data.user?.isPremium
                    case "user.is_bot": data.user?.isBot
                    case "user.photo_url": data.user?.photoURL
                    case "receiver.id": data.receiver?.id
                    case "chat.id": data.chat?.id
                    case "chat.type": data.chat?.type
                    case "chat.title": data.chat?.title
                    case "chat_type": data.chatType
                    case "chat_instance": data.chatInstance
                    case "start_param": data.startParam
                    case "can_send_after": data.canSendAfter
                    case "query_id": data.queryID
                    default: Issue.record("unknown expectation \(path)")
                    }
                if let flag = actual as? Bool {
                    #expect(flag == (value as? Bool), "\(vector["name"]!): \(path)")
                } else {
                    #expect("\(actual.map { "\($0)" } ?? "nil")" == "\(value)", "\(vector["name"]!): \(path)")
                }
            }
        }
    }

    @Test func emptySignatureTakesPartInTheHash() throws {
        let vector = Vectors.miniApp[2]
        let validator = try MiniAppValidator(botToken: vector["bot_token"] as! String)
        let initData = vector["init_data"] as! String
        #expect(try validator.validate(initData, options: noAge).signature == "")
        let without = initData.replacingOccurrences(of: "&signature=", with: "")
        #expect(kind { () throws(TelegramAuthError) in try validator.validate(without, options: noAge) } == .badHash)
    }

    @Test func thirdPartyVectors() throws {
        let real = Vectors.thirdParty[0]
        let production = try ThirdPartyValidator(botID: real["bot_id"] as! Int64, environment: .production)
        let data = try production.validate(real["init_data"] as! String, options: noAge)
        #expect(data.user?.id == 279_058_397)
        let testEnv = try ThirdPartyValidator(botID: real["bot_id"] as! Int64, environment: .test)
        #expect(kind { () throws(TelegramAuthError) in try testEnv.validate(real["init_data"] as! String, options: noAge) } == .badSignature)
        let otherBot = try ThirdPartyValidator(botID: (real["bot_id"] as! Int64) + 1)
        #expect(kind { () throws(TelegramAuthError) in try otherBot.validate(real["init_data"] as! String, options: noAge) } == .badSignature)

        let custom = Vectors.thirdParty[1]
        let key = try Ed25519PublicKey(hex: custom["public_key_hex"] as! String)
        let validator = try ThirdPartyValidator(botID: custom["bot_id"] as! Int64, publicKey: key)
        #expect(try validator.validate(custom["init_data"] as! String, options: noAge).queryID == "test")
        let bad = custom["invalid_variant"] as! String
        #expect(kind { () throws(TelegramAuthError) in try validator.validate(bad, options: noAge) } != nil)
        // the private key in the vector derives the published public key
        let privateKey = try Ed25519PrivateKey(hex: custom["private_key_seed_hex"] as! String)
        #expect(privateKey.publicKey == key)
    }

    @Test func telegramKeysMatchTheVectors() throws {
        #expect(Hex.encode(Ed25519PublicKey.telegramProduction.rawRepresentation) == Vectors.keys["production"])
        #expect(Hex.encode(Ed25519PublicKey.telegramTest.rawRepresentation) == Vectors.keys["test"])
    }

    @Test func widgetVectorAsQueryAndJSON() throws {
        let vector = Vectors.widget[0]
        let verifier = try LoginWidgetVerifier(botToken: vector["bot_token"] as! String)
        for form in ["query", "json"] {
            let user = try verifier.verify(vector[form] as! String, options: noAge)
            #expect(user.id == 42)
            #expect(user.firstName == "John")
            #expect(user.lastName == "Smith")
            #expect(user.username == "username")
            #expect(user.photoURL == "https://t.me/i/userpic/320/picname.jpg")
            #expect(user.authDate == 1_565_810_688)
        }
    }

    @Test func secretDerivations() throws {
        let miniApp = Vectors.secrets[0]
        #expect(Hex.encode(TelegramSecrets.miniAppSecret(botToken: miniApp["bot_token"] as! String)) == miniApp["secret_key_hex"] as! String)
        let mac = HMACKey(key: TelegramSecrets.miniAppSecret(botToken: miniApp["bot_token"] as! String)).authenticate("abc".utf8)
        #expect(Hex.encode(mac) == miniApp["hmac_of_abc_hex"] as! String)
        let widget = Vectors.secrets[1]
        #expect(Hex.encode(TelegramSecrets.widgetSecret(botToken: widget["bot_token"] as! String)) == widget["secret_key_hex"] as! String)
        let first = Vectors.miniApp[0]
        #expect(Hex.encode(TelegramSecrets.miniAppSecret(botToken: first["bot_token"] as! String)) == first["secret_key_hex"] as! String)
    }
}
