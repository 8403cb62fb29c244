/** Reading synthesized Terraform JSON, as the policy pack and the diagrams both do. */
import {
  block,
  blocks,
  isFalse,
  isOnlyInterpolations,
  isTrue,
  numberOf,
  parseReference,
  referenced,
  referencesIn,
  refersTo,
  sectionBlocks,
  StackResources,
} from "../../lib/terraform-json";

const ref = (type: string, logicalId: string, attribute: string) => "${" + `${type}.${logicalId}.${attribute}` + "}";

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

describe("values as the bindings render them", () => {
  test("a nested block is an object or a one-element list", () => {
    expect(blocks(undefined)).toEqual([]);
    expect(blocks(null)).toEqual([]);
    expect(blocks({ path: "/" })).toEqual([{ path: "/" }]);
    expect(blocks([{ a: 1 }, { a: 2 }])).toEqual([{ a: 1 }, { a: 2 }]);
    expect(block([{ path: "/health" }])).toEqual({ path: "/health" });
    expect(block({ path: "/health" })).toEqual({ path: "/health" });
  });

  test("booleans and numbers may be strings; references are neither", () => {
    expect([true, "true", " TRUE "].map(isTrue)).toEqual([true, true, true]);
    expect([false, "false", "yes", undefined].map(isTrue)).toEqual([false, false, false, false]);
    expect([false, "False", true, undefined].map(isFalse)).toEqual([true, true, false, false]);
    expect([3306, "3306", "-1", "${aws_db_instance.db.port}", "3.5", undefined].map(numberOf)).toEqual([3306, 3306, -1, undefined, undefined, undefined]);
  });
});

describe("references", () => {
  test("referencesIn finds every type.id.attr inside expressions, lists and blocks, in order", () => {
    const value = {
      rrdatas: ["${google_compute_global_address.lb_1.address}"],
      nested: [{ group: "${google_compute_region_instance_group_manager.api_2.instance_group}" }],
      expression: "${[for s in aws_subnet.private_3 : s.id]} ${aws_subnet.public_4.id}",
    };
    expect(referencesIn(value)).toEqual([
      { type: "google_compute_global_address", logicalId: "lb_1", attribute: "address" },
      { type: "google_compute_region_instance_group_manager", logicalId: "api_2", attribute: "instance_group" },
      { type: "aws_subnet", logicalId: "public_4", attribute: "id" },
    ]);
  });

  test("referenced and refersTo follow whole-string references only, to the given types", () => {
    const all = [
      { type: "aws_lb", logicalId: "alb_1", config: {} },
      { type: "aws_security_group", logicalId: "sg_2", config: {} },
    ];
    expect(referenced(all, ref("aws_lb", "alb_1", "arn"), ["aws_lb", "aws_alb"])).toBe(all[0]);
    expect(referenced(all, ref("aws_lb", "alb_1", "arn"), ["aws_security_group"])).toBeUndefined();
    expect(referenced(all, ref("aws_lb", "missing", "arn"), ["aws_lb"])).toBeUndefined();
    expect(refersTo(ref("aws_security_group", "sg_2", "id"), all[1])).toBe(true);
    expect(refersTo(`${ref("aws_security_group", "sg_2", "id")},sg-0123`, all[1])).toBe(false);
  });
});

test("sectionBlocks splits cdktf's metadata off and keeps its construct path", () => {
  const section = {
    aws_vpc: { network_vpc_1: { "//": { metadata: { path: "aws-dev/network/vpc" } }, cidr_block: "10.0.0.0/16" } },
    aws_subnet: { a_2: { cidr_block: "10.0.1.0/24" } },
  };
  expect(sectionBlocks(section)).toEqual([
    { type: "aws_vpc", logicalId: "network_vpc_1", config: { cidr_block: "10.0.0.0/16" }, constructPath: "aws-dev/network/vpc" },
    { type: "aws_subnet", logicalId: "a_2", config: { cidr_block: "10.0.1.0/24" }, constructPath: undefined },
  ]);
  expect(sectionBlocks({ aws_region: { current: {} } }, "data.")[0].type).toBe("data.aws_region");
  expect(sectionBlocks(undefined)).toEqual([]);
});

describe("StackResources", () => {
  const stack = new StackResources({
    resource: {
      google_compute_router: { router_b: { region: "europe-west1", network: ref("google_compute_network", "vpc_a", "id") } },
      google_compute_router_nat: { nat_c: { router: ref("google_compute_router", "router_b", "name"), region: ref("google_compute_router", "router_b", "region") } },
      google_compute_network: { vpc_z: { name: "z" }, vpc_a: { name: "a" } },
      google_compute_subnetwork: { sub_d: { network: ref("google_compute_network", "vpc_a", "id"), region: "${var.region}" } },
    },
  });

  test("ofType: by type in the order asked, then by logical id", () => {
    expect(stack.ofType("google_compute_network", "google_compute_router").map((resource) => resource.address)).toEqual([
      "google_compute_network.vpc_a",
      "google_compute_network.vpc_z",
      "google_compute_router.router_b",
    ]);
    expect(stack.get("google_compute_network.vpc_a")).toEqual({
      address: "google_compute_network.vpc_a",
      type: "google_compute_network",
      logicalId: "vpc_a",
      config: { name: "a" },
    });
    expect(stack.get("google_compute_network.nope")).toBeUndefined();
  });

  test("target follows a reference to a resource of the stack, of the given types", () => {
    const nat = stack.get("google_compute_router_nat.nat_c")!;
    expect(stack.target(nat.config.router, "google_compute_router")?.address).toBe("google_compute_router.router_b");
    expect(stack.target(nat.config.router, "google_compute_network")).toBeUndefined();
    expect(stack.target(ref("google_compute_router", "elsewhere", "name"))).toBeUndefined();
  });

  test("targetsIn and mentions look anywhere inside a value, ignoring what is not in the stack", () => {
    const value = [ref("google_compute_network", "vpc_a", "id"), `x-${ref("google_compute_network", "vpc_a", "name")}`, "${var.other.id}"];
    expect(stack.targetsIn(value)).toEqual(["google_compute_network.vpc_a"]);
    expect(stack.targetsIn(value, "google_compute_router")).toEqual([]);
    expect(stack.mentions(value, "google_compute_network.vpc_a")).toBe(true);
    expect(stack.mentions(value, "google_compute_network.vpc_z")).toBe(false);
  });

  test("literal follows references to top-level attributes until it finds a value", () => {
    expect(stack.literal(stack.get("google_compute_router_nat.nat_c")!.config.region)).toBe("europe-west1");
    expect(stack.literal(stack.get("google_compute_subnetwork.sub_d")!.config.region)).toBe("${var.region}");
    expect(stack.literal(ref("google_compute_router", "router_b", "unknown_attribute"))).toBe(ref("google_compute_router", "router_b", "unknown_attribute"));
  });
});
