// Tests for to_json / from_json (util/json.cpp). Expected texts were produced
// by node 20's JSON.stringify / JSON.parse.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crdtcore/error.h"
#include "crdtcore/value.h"

namespace crdtcore {
namespace {

double from_bits(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

struct NumberCase {
  uint64_t bits;
  const char* js;
};

// JSON.stringify(x) for edge cases and pseudo-random doubles (gen: bit patterns
// and decimal values with random exponents).
const NumberCase kNumbers[] = {
    {0x444b1ae4d6e2ef50ull, "1e+21"},
    {0x4415af1d78b58c40ull, "100000000000000000000"},
    {0x441ac53a7e04bcdaull, "123456789012345680000"},
    {0x3eb0c6f7a0b5ed8dull, "0.000001"},
    {0x3e7ad7f29abcaf48ull, "1e-7"},
    {0x3e8421f5f40d8376ull, "1.5e-7"},
    {0x3eb4b3fd5942cd96ull, "0.000001234"},
    {0x0000000000000001ull, "5e-324"},
    {0x7fefffffffffffffull, "1.7976931348623157e+308"},
    {0x4340000000000000ull, "9007199254740992"},
    {0x4340000000000001ull, "9007199254740994"},
    {0x3fb999999999999aull, "0.1"},
    {0x3fd3333333333334ull, "0.30000000000000004"},
    {0x3fd5555555555555ull, "0.3333333333333333"},
    {0xbfd5555555555555ull, "-0.3333333333333333"},
    {0x4059000000000000ull, "100"},
    {0x54b249ad2594c37dull, "1e+100"},
    {0x01aac9a7b3b7302full, "1.25e-300"},
    {0x405edd2f1a9fbe77ull, "123.456"},
    {0xbf40624dd2f1a9fcull, "-0.0005"},
    {0x444b1ae4d6e2ef4full, "999999999999999900000"},
    {0x4480f0cf064dd592ull, "1e+22"},
    {0x4011666666666666ull, "4.35"},
    {0x3fd3333333333333ull, "0.3"},
    {0x0000000000000003ull, "1.5e-323"},
    {0x430c6bf526340000ull, "1000000000000000"},
    {0x4341c37937e08000ull, "10000000000000000"},
    {0x4376345785d8a000ull, "100000000000000000"},
    {0x41678c29dccccccdull, "12345678.9"},
    {0x43f0000000000000ull, "18446744073709552000"},
    {0x4450000000000000ull, "1.1805916207174113e+21"},
    {0xc44b1ae4d6e2ef50ull, "-1e+21"},
    {0x3eb421f5f40d8376ull, "0.0000012"},
    {0x4058ff5c28f5c28full, "99.99"},
    {0xa7b82cfc4e085000ull, "-2.3967415462775416e-117"},
    {0xfef21000adf13000ull, "-3.09666165223126e+303"},
    {0x2c35f000e2179080ull, "1.0270433812196852e-95"},
    {0xd3d94e00bd4a9600ull, "-8.445391960564171e+95"},
    {0xcb3cc6003134ae00ull, "-2.7559480724236784e+54"},
    {0x3bd7d400357da480ull, "2.0183209646888695e-20"},
    {0xdf0df000d80f9000ull, "-7.656029178074771e+149"},
    {0x786b5080bb38a600ull, "1.1544065681819191e+272"},
    {0x478156005e45fe00ull, "2.880427615910797e+36"},
    {0xdeea6e006b553600ull, "-1.6897404643313796e+149"},
    {0xd1d866002c37ce00ull, "-1.8959236268102716e+86"},
    {0x515ff5006081b100ull, "9.700303386244088e+83"},
    {0xf914d80077b05800ull, "-1.8041475730993965e+275"},
    {0x39ad58006f9ed880ull, "7.233794511234166e-31"},
    {0xd1a5d6004ed07e00ull, "-2.1210002819960956e+85"},
    {0xd8b8ee00b341b600ull, "-2.514637113193298e+119"},
    {0x96d8e68017958400ull, "-1.3012149821973674e-198"},
    {0x664b9a00b31cf200ull, "5.864097670108094e+184"},
    {0x61dc8200667fba00ull, "2.565084367884416e+163"},
    {0xf1b08a006e372200ull, "-4.30791997112524e+239"},
    {0x407a32702205fa00ull, "419.1523761971912"},
    {0x0168000049486070ull, "6.999478412676235e-302"},
    {0x6af4b00037cf5000ull, "1.6604473718452632e+207"},
    {0x7ab8460089ca2e00ull, "1.4099618828951042e+283"},
    {0x9d021e00b30b2600ull, "-6.000721566764081e-169"},
    {0x8dd7d67072dcce00ull, "-5.5858207423158225e-242"},
    {0xa9e5be004ab64600ull, "-7.406190413631976e-107"},
    {0xf447f60033981e00ull, "-1.3724301498619994e+252"},
    {0xe800c4009c0bd400ull, "-9.561526364430077e+192"},
    {0xa3cb3470a61fd400ull, "-2.9241403320464637e-136"},
    {0xcdff3400af818400ull, "-5.2577179242223457e+67"},
    {0xcaf06400fed2f400ull, "-9.811946484810173e+52"},
    {0x30b7540091a72480ull, "5.15752178047954e-74"},
    {0xdcc50200927e3a00ull, "-7.817880567938768e+138"},
    {0x16130a00ef27a280ull, "2.4290072282033477e-202"},
    {0x3e44b08074068700ull, "9.634280596235096e-9"},
    {0x4f4ca000dc608000ull, "1.0115204087536643e+74"},
    {0xcdfdc08068b25600ull, "-5.01319523584097e+67"},
    {0x024a8600528f6e70ull, "1.2673722290668507e-297"},
    {0xd3856e00cb543600ull, "-2.235037137236835e+94"},
    {0x976f6800dc1fa800ull, "-8.402898086510483e-196"},
    {0x0175280041126870ull, "1.2340226280439783e-301"},
    {0xa5a1f800af86f800ull, "-2.07381476419943e-127"},
    {0x7cf4f800a7ddf800ull, "8.370059292049866e+293"},
    {0xaea3f8002160f800ull, "-5.139515042795645e-84"},
    {0x36862e00ad25f680ull, "4.85630882733977e-46"},
    {0x521d2400af60b400ull, "3.6230787836717484e+87"},
    {0x605b14003edfe400ull, "1.4522333974012004e+156"},
    {0x1e65c4008b0cd480ull, "3.0237344893161683e-162"},
    {0xb35a320084a3aa00ull, "-2.5470918608516e-61"},
    {0xcccdfa0051dfd200ull, "-9.634097311871437e+61"},
    {0x7a8a620022c81a00ull, "1.9156099298586275e+282"},
    {0x5847200002090000ull, "1.822342796142547e+117"},
    {0x63dc900018c9b000ull, "1.1038085871092065e+173"},
    {0x1f29a7001f9e7b80ull, "1.4596857780280138e-158"},
    {0xb5dc1e00b3dd2600ull, "-3.006026206040465e-49"},
    {0x37f9d60078947e80ull, "4.745313598106251e-39"},
    {0x5042ec001866dc00ull, "4.382007213904676e+78"},
    {0x5b18b200fbc02a00ull, "6.847198616090888e+130"},
    {0x3fe1a08094f8b600ull, "0.5508425626373423"},
    {0x3cf8854fcca0e471ull, "5.4447e-15"},
    {0x3d13cd25053bb1d3ull, "1.758712832e-14"},
    {0x3eba3593817adb06ull, "0.000001562194944"},
    {0x3eb8a07f9f7a4f9cull, "0.00000146788045"},
    {0x4064a76f529e3285ull, "165.23233919999998"},
    {0x3eb1c9d87d23f77dull, "0.0000010602748160000002"},
    {0x43b4d0e1d974e9b0ull, "1499947000000000000"},
    {0x43a49aa1f977c000ull, "742338560000000000"},
    {0x3d0c8df08ff80e21ull, "1.2680724e-14"},
    {0x4068fe8759fbf4d8ull, "199.95402239999999"},
    {0x4211b524fc400000ull, "19013386000"},
    {0x4055a86cca2db61bull, "86.63163999999999"},
    {0x421383b6f8000000ull, "20953546240"},
    {0x41fe3fe9debfffffull, "8120081899.999999"},
    {0x3cfc83dd167690c7ull, "6.3316224000000005e-15"},
    {0x43bd87ecee05d401ull, "2127929856000000300"},
    {0x420ac5b420000000ull, "14373258240"},
    {0x3d12f010c7c8c9dfull, "1.682010624e-14"},
    {0x43b0ae8f90302080ull, "1202056000000000000"},
    {0x3d12047fb33294dfull, "1.600282e-14"},
    {0x41f70cc3b4000000ull, "6187400000"},
    {0x43bc593dba37e200ull, "2042731776000000000"},
    {0x41f027329ec00000ull, "4336069100"},
    {0x3ec05e91f6ac4981ull, "0.0000019513863"},
    {0x405159e11ce5e9d4ull, "69.4043648"},
    {0x420be37f4dc00000ull, "14972611000"},
    {0x43b8ba6fad23da80ull, "1781859392000000000"},
    {0x4048361b089a0275ull, "48.4227"},
    {0x3cf7abacbab164d6ull, "5.25593e-15"},
    {0x43ad7b31c43487ffull, "1062173183999999900"},
    {0x4209019e16400000ull, "13425165000"},
    {0x4373fb4eb3cbc800ull, "89989440000000000"},
    {0x3eb1f6db6005b6f0ull, "0.00000107075482"},
    {0x3e9099e7182952a8ull, "2.47376896e-7"},
    {0x4209946970000000ull, "13733015040"},
    {0x41e2c594c0000000ull, "2519508480"},
    {0x3ebbf1cfd07192feull, "0.0000016656266000000001"},
    {0x3ec1dbb467cfb1adull, "0.0000021288659"},
    {0x439bf7c508d54400ull, "503824000000000000"},
    {0x4212939a60000000ull, "19946444800"},
};

TEST(JsonNumber, MatchesJavaScriptNumberToString) {
  for (const auto& c : kNumbers) {
    const double d = from_bits(c.bits);
    EXPECT_EQ(to_json(Value::floating(d)), c.js) << std::hex << c.bits;
    // And JSON.parse gives back the same double.
    const Value back = from_json(c.js);
    const double parsed =
        back.kind() == Value::Kind::Int ? static_cast<double>(back.as_int()) : back.as_float();
    EXPECT_EQ(parsed, d) << c.js;
  }
}

TEST(JsonNumber, SpecialValues) {
  EXPECT_EQ(to_json(Value::floating(-0.0)), "0");
  EXPECT_EQ(to_json(Value::floating(0.0)), "0");
  EXPECT_EQ(to_json(Value::floating(NAN)), "null");
  EXPECT_EQ(to_json(Value::floating(INFINITY)), "null");
  EXPECT_EQ(to_json(Value::floating(-INFINITY)), "null");
  EXPECT_EQ(to_json(Value::floating(1.0)), "1");
  EXPECT_EQ(to_json(Value::floating(-1e21)), "-1e+21");
  EXPECT_EQ(to_json(Value::floating(1e-7)), "1e-7");
  EXPECT_EQ(to_json(Value::floating(1e-6)), "0.000001");
}

TEST(JsonNumber, IntegersPrintAsJsNumbers) {
  EXPECT_EQ(to_json(Value::integer(0)), "0");
  EXPECT_EQ(to_json(Value::integer(-42)), "-42");
  EXPECT_EQ(to_json(Value::integer(int64_t{1} << 53)), "9007199254740992");
  EXPECT_EQ(to_json(Value::integer(-(int64_t{1} << 53))), "-9007199254740992");
  // Beyond 2^53 JS would hold Number(n).
  EXPECT_EQ(to_json(Value::integer((int64_t{1} << 53) + 1)), "9007199254740992");
  EXPECT_EQ(to_json(Value::integer(INT64_MAX)), "9223372036854776000");
  EXPECT_EQ(to_json(Value::integer(INT64_MIN)), "-9223372036854776000");
}

TEST(JsonString, EscapesLikeJsonStringify) {
  std::string controls;
  for (int c = 0; c < 0x20; ++c) controls += static_cast<char>(c);
  EXPECT_EQ(to_json(Value::string(controls)),
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
            "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
            "\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"");
  EXPECT_EQ(to_json(Value::string("\"\\/\x7f\xE2\x80\xA8\xC3\xA9\xF0\x9F\x98\x80")),
            "\"\\\"\\\\/\x7f\xE2\x80\xA8\xC3\xA9\xF0\x9F\x98\x80\"");
  EXPECT_EQ(to_json(Value::string("")), "\"\"");
  EXPECT_EQ(to_json(Value::string("plain text")), "\"plain text\"");
}

TEST(JsonWrite, Containers) {
  EXPECT_EQ(to_json(Value::array({Value::undefined(), Value::floating(NAN), Value::floating(-0.0),
                                  Value::boolean(true), Value::null()})),
            "[null,null,0,true,null]");
  EXPECT_EQ(to_json(Value::object({{"a", Value::undefined()}, {"b", Value::integer(1)}})),
            "{\"b\":1}");
  EXPECT_EQ(to_json(Value::object({{"a", Value::undefined()}})), "{}");
  EXPECT_EQ(to_json(Value::object({{"b", Value::integer(1)}, {"1", Value::string("x")}})),
            "{\"1\":\"x\",\"b\":1}");
  EXPECT_EQ(to_json(Value::binary({5, 0, 255})), "{\"0\":5,\"1\":0,\"2\":255}");
  EXPECT_EQ(to_json(Value::binary({})), "{}");
  EXPECT_EQ(to_json(Value::array({})), "[]");
  EXPECT_EQ(to_json(Value::object({{"k\n", Value::array({Value::object({})})}})),
            "{\"k\\n\":[{}]}");
}

TEST(JsonWrite, UndefinedAtTopLevelAndBigInt) {
  EXPECT_EQ(to_json(Value::undefined()), "undefined");  // Yjs ContentJSON's spelling
  EXPECT_THROW(to_json(Value::bigint(1)), TypeMismatch);
  EXPECT_THROW(to_json(Value::array({Value::bigint(1)})), TypeMismatch);
}

TEST(JsonParse, NumbersIntOrFloat) {
  EXPECT_EQ(from_json("0"), Value::integer(0));
  EXPECT_EQ(from_json("-17"), Value::integer(-17));
  EXPECT_EQ(from_json("9007199254740991"), Value::integer(9007199254740991));
  EXPECT_EQ(from_json("-9007199254740991"), Value::integer(-9007199254740991));
  EXPECT_EQ(from_json("9007199254740992"), Value::floating(9007199254740992.0));
  EXPECT_EQ(from_json("123456789012345678901234567890"), Value::floating(1.2345678901234568e29));
  EXPECT_EQ(from_json("1.0"), Value::floating(1.0));
  EXPECT_EQ(from_json("1e2"), Value::floating(100.0));
  EXPECT_EQ(from_json("-2.5E-3"), Value::floating(-0.0025));
  const Value neg_zero = from_json("-0");
  ASSERT_EQ(neg_zero.kind(), Value::Kind::Float);
  EXPECT_TRUE(std::signbit(neg_zero.as_float()));
}

TEST(JsonParse, OutOfRangeNumbers) {
  EXPECT_EQ(from_json("1e400"), Value::floating(INFINITY));
  EXPECT_EQ(from_json("-1e400"), Value::floating(-INFINITY));
  EXPECT_EQ(from_json("1e-400"), Value::floating(0.0));
  EXPECT_TRUE(std::signbit(from_json("-1e-400").as_float()));
  EXPECT_EQ(from_json("0.0000000001e-320"), Value::floating(0.0));
  EXPECT_EQ(from_json("100000e305"), Value::floating(INFINITY));
  EXPECT_EQ(from_json("0e999999999999999999"), Value::floating(0.0));
  EXPECT_EQ(from_json("3e-324"), Value::floating(5e-324));
}

TEST(JsonParse, Strings) {
  EXPECT_EQ(from_json(R"("a\"\\\/\b\f\n\r\tz")"), Value::string("a\"\\/\b\f\n\r\tz"));
  EXPECT_EQ(from_json(R"("\u00e9\u20AC")"), Value::string("\xC3\xA9\xE2\x82\xAC"));
  EXPECT_EQ(from_json(R"("\ud83d\ude00")"), Value::string("\xF0\x9F\x98\x80"));
  EXPECT_EQ(from_json(R"("\u0000")"), Value::string(std::string(1, '\0')));
  // Lone surrogates cannot be held in UTF-8: they become U+FFFD.
  EXPECT_EQ(from_json(R"("\ud83dx")"), Value::string("\xEF\xBF\xBDx"));
  EXPECT_EQ(from_json(R"("\ude00\ud83d")"), Value::string("\xEF\xBF\xBD\xEF\xBF\xBD"));
  EXPECT_EQ(from_json(R"("\ud83d\u0041")"), Value::string("\xEF\xBF\xBD"
                                                          "A"));
  // Invalid UTF-8 in the text is replaced as TextDecoder would.
  EXPECT_EQ(from_json("\"a\xFF\""), Value::string("a\xEF\xBF\xBD"));
}

TEST(JsonParse, ContainersAndWhitespace) {
  const Value v =
      from_json(" \t\r\n{ \"b\" : [1, 2.5, \"s\", true, false, null, {}, []] , \"1\": 0 } ");
  EXPECT_EQ(v, Value::object(
                   {{"1", Value::integer(0)},
                    {"b", Value::array({Value::integer(1), Value::floating(2.5), Value::string("s"),
                                        Value::boolean(true), Value::boolean(false), Value::null(),
                                        Value::object({}), Value::array({})})}}));
  EXPECT_EQ(v.as_object()[0].first, "1");
}

TEST(JsonParse, DuplicateKeysLastWinsFirstPosition) {
  const Value v = from_json(R"({"a":1,"b":2,"a":3})");
  ASSERT_EQ(v.as_object().size(), 2u);
  EXPECT_EQ(v.as_object()[0].first, "a");
  EXPECT_EQ(v.as_object()[0].second, Value::integer(3));
  EXPECT_EQ(to_json(v), R"({"a":3,"b":2})");
}

TEST(JsonParse, MalformedThrows) {
  const char* bad[] = {"",
                       " ",
                       "01",
                       "-01",
                       "1.",
                       ".5",
                       "+1",
                       "-",
                       "1e",
                       "1e+",
                       "[1,]",
                       "[1 2]",
                       "{\"a\"}",
                       "{a:1}",
                       "'a'",
                       "\"\x01\"",
                       "tru",
                       "nul",
                       "[",
                       "]",
                       "{\"a\":1,}",
                       "NaN",
                       "Infinity",
                       "-Infinity",
                       "\"\\x\"",
                       "\"\\u12\"",
                       "\"\\u12g4\"",
                       "\"abc",
                       "1 2",
                       "{} x",
                       "undefined",
                       "\"\\",
                       "[1,",
                       "{\"a\":",
                       "\xEF\xBB\xBF"
                       "1"};
  for (const char* text : bad) EXPECT_THROW(from_json(text), DecodeError) << text;
}

TEST(JsonParse, UndefinedOnlyWhenAllowed) {
  EXPECT_TRUE(from_json("undefined", true).is_undefined());
  EXPECT_THROW(from_json("undefined"), DecodeError);
  EXPECT_THROW(from_json(" undefined", true), DecodeError);
  EXPECT_EQ(from_json("null", true), Value::null());
}

TEST(JsonParse, DepthLimit) {
  EXPECT_NO_THROW(from_json(std::string(512, '[') + std::string(512, ']')));
  EXPECT_THROW(from_json(std::string(513, '[') + std::string(513, ']')), DecodeError);
  EXPECT_THROW(from_json(std::string(200000, '[')), DecodeError);
  std::string objects;
  for (int i = 0; i < 600; ++i) objects += "{\"k\":";
  EXPECT_THROW(from_json(objects), DecodeError);
}

TEST(JsonRoundTrip, CanonicalTextIsReproduced) {
  const char* texts[] = {
      R"({"1":[0.1,-5,1e+21,"x\u0001y"],"b":{"c":null,"d":false}})",
      R"([1.7976931348623157e+308,5e-324,-0.000001,123456789012345680000])",
      R"("\"quoted\" \\ tab\t")",
      R"({"2":1,"10":2,"a":3,"012":4})",
  };
  for (const char* t : texts) EXPECT_EQ(to_json(from_json(t)), t);
}

Value random_value(std::mt19937_64& rng, int depth) {
  switch (rng() % (depth > 3 ? 6 : 8)) {
    case 0: return Value::null();
    case 1: return Value::boolean(rng() % 2 == 0);
    case 2: return Value::integer(static_cast<int64_t>(rng() % 2000001) - 1000000);
    case 3: {
      double d;
      const uint64_t bits = rng();
      std::memcpy(&d, &bits, 8);
      return Value::floating(std::isfinite(d) ? d : 0.25);
    }
    case 4: {
      static const char* pieces[] = {
          "a", "\"", "\\", "\n", "\x01", "\x1f", "\xC3\xA9", "\xF0\x9F\x98\x80", "/", " "};
      std::string str;
      for (uint64_t i = rng() % 6; i > 0; --i) str += pieces[rng() % 10];
      return Value::string(str);
    }
    case 5: return Value::floating(static_cast<double>(rng() % 1000) / 8.0);
    case 6: {
      Value::ArrayT a;
      for (uint64_t i = rng() % 4; i > 0; --i) a.push_back(random_value(rng, depth + 1));
      return Value::array(std::move(a));
    }
    default: {
      Value::ObjectT o;
      for (uint64_t i = rng() % 4; i > 0; --i) {
        o.emplace_back(rng() % 2 ? std::to_string(rng() % 20) : "k" + std::to_string(rng() % 5),
                       random_value(rng, depth + 1));
      }
      return Value::object(std::move(o));
    }
  }
}

TEST(JsonRoundTrip, RandomValuesSurviveStringifyParse) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 2000; ++i) {
    const Value v = random_value(rng, 0);
    const std::string text = to_json(v);
    const Value back = from_json(text);
    ASSERT_EQ(to_json(back), text);
  }
}

TEST(JsonParse, RandomTextOnlyThrowsDecodeError) {
  static const char alphabet[] = "{}[]\",:0123456789-+.eEtrufalsn \\u\xC3\xA9\xFF";
  std::mt19937 rng(9);
  int parsed = 0;
  for (int i = 0; i < 50000; ++i) {
    std::string text(rng() % 12, ' ');
    for (char& c : text) c = alphabet[rng() % (sizeof alphabet - 1)];
    try {
      from_json(text);
      ++parsed;
    } catch (const DecodeError&) {
    }
  }
  EXPECT_GT(parsed, 100);
}

}  // namespace
}  // namespace crdtcore
