/** The JSON-reading helpers the rules share. */
import { adminExposure, isOnlyInterpolations, isWorld, parseReference } from "../../policy/config-helpers";

test.each([
  ["${random_password.db_1234.result}", true],
  ["${random_password.a.result}${random_password.b.result}", true],
  ['${format("%s}", var.x)}', true],
  ["prefix-${random_password.a.result}", false],
  ["${random_password.a.result}-suffix", false],
  ["$${not_an_interpolation}", false],
  ["${unclosed", false],
  ["hunter2", false],
  ["", false],
])("isOnlyInterpolations(%j) is %s", (text, expected) => {
  expect(isOnlyInterpolations(text)).toBe(expected);
});

test("parseReference reads type, logical id and attribute of a whole-string reference only", () => {
  expect(parseReference("${aws_security_group.load-balancer_security-group_80A0008E.id}")).toEqual({
    type: "aws_security_group",
    logicalId: "load-balancer_security-group_80A0008E",
    attribute: "id",
  });
  expect(parseReference("${aws_lb.alb_1.arn}-suffix")).toBeUndefined();
  expect(parseReference("sg-0123")).toBeUndefined();
});

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
