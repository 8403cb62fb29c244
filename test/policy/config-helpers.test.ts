/** What the rules share beyond reading the JSON (that is test/lib/terraform-json.test.ts). */
import { adminExposure, isWorld } from "../../policy/config-helpers";

test.each([
  ["0.0.0.0/0", true],
  ["::/0", true],
  ["::0/0", true],
  ["10.0.0.0/8", false],
  ["0.0.0.0/1", false],
])("isWorld(%j) is %s", (cidr, expected) => {
  expect(isWorld(cidr)).toBe(expected);
});

test.each([
  ["all", {}, "all protocols and ports"],
  ["tcp", { from: 0, to: 65535 }, "all tcp ports"],
  ["udp", { from: 3389, to: 3389 }, "udp 3389 (RDP 3389)"],
  ["tcp", { from: 20, to: 4000 }, "tcp 20-4000 (SSH 22, RDP 3389)"],
  ["tcp", { from: 443, to: 443 }, undefined],
  ["tcp", {}, undefined],
  ["icmp", { from: -1, to: -1 }, undefined],
])("adminExposure(%s, %j) is %j", (protocol, range, expected) => {
  expect(adminExposure(protocol, range)).toBe(expected);
});
