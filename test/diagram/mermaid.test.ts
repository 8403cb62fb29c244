/**
 * The topology diagrams are derived from the synthesized JSON: change a copy of the JSON and the
 * picture follows; nothing a stack draws is lost between its two diagrams; each stays a few
 * columns wide; wording and escaping. (Per-cloud content: aws-diagrams / gcp-diagrams tests.)
 */
import { counted, escapeMermaidText, MAX_LINE, MAX_SIDE_BY_SIDE, mermaidLabel, wrapLine } from "../../diagram/graph";
import { DIAGRAM_KINDS, stackDiagram, stackDiagrams } from "../../diagram/mermaid";
import { clone, diagramOf, exampleJson, edge, has, layers, mermaidId, nodesWhere, onlyNode, parse, sources, startsWith, targets, wrapped } from "./parsed-diagram";

let stacks: Record<string, any>;
beforeAll(() => {
  stacks = exampleJson();
});

describe("derived from the JSON, not from names", () => {
  test("removing a listener rule removes its hosts and disconnects its target group", () => {
    const json = clone(stacks["aws-prod"]);
    const rules = json.resource.aws_lb_listener_rule;
    const chatRule = Object.keys(rules).find((id) => rules[id].condition[0].host_header.values.includes("chat.example.com"))!;
    delete rules[chatRule];
    const before = diagramOf("aws-prod", stacks["aws-prod"], "request path");
    const after = diagramOf("aws-prod", json, "request path");
    expect(nodesWhere(before, has("host chat.example.com"))).toHaveLength(1);
    expect(nodesWhere(after, has("host chat.example.com"))).toHaveLength(0);
    const chatTargetGroup = onlyNode(after, startsWith("target group web-prod-chat"));
    expect(after.edges.filter((candidate) => candidate.to === chatTargetGroup.id)).toEqual([]);
    expect(nodesWhere(after, has("host api.example.com"))).toHaveLength(1);
  });

  test("instance type, capacity, Multi-AZ and target group wiring follow the resources they reference", () => {
    const json = clone(stacks["aws-prod"]);
    const templates = json.resource.aws_launch_template;
    const groups = json.resource.aws_autoscaling_group;
    const apiGroup = Object.values<any>(groups).find((group) => group.name === "web-prod-api");
    const apiTemplate = /^\$\{aws_launch_template\.(.+)\.id\}$/.exec(apiGroup.launch_template.id)![1];
    templates[apiTemplate].instance_type = "m7g.large";
    apiGroup.max_size = 9;
    // Point the api group at the chat target group instead of its own.
    const chatGroup = Object.values<any>(groups).find((group) => group.name === "web-prod-chat");
    apiGroup.target_group_arns = chatGroup.target_group_arns;
    Object.values<any>(json.resource.aws_db_instance)[0].multi_az = false;

    const diagram = diagramOf("aws-prod", json, "request path");
    const api = onlyNode(diagram, startsWith("Auto Scaling group web-prod-api"));
    expect(api.lines).toEqual(expect.arrayContaining(wrapped(["m7g.large", "2–9 instances"])));
    const apiTargetGroup = onlyNode(diagram, startsWith("target group web-prod-api"));
    const chatTargetGroup = onlyNode(diagram, startsWith("target group web-prod-chat"));
    expect(targets(diagram, apiTargetGroup.id)).toEqual([]);
    expect(targets(diagram, chatTargetGroup.id)).toContain(api.id);
    expect(onlyNode(diagram, startsWith("RDS ")).lines).toContain("single-AZ");
  });

  test("database edges come from the database's ingress rules", () => {
    const json = clone(stacks["aws-prod"]);
    const ingress = json.resource.aws_vpc_security_group_ingress_rule;
    const dbSecurityGroup = /^\$\{aws_security_group\.(.+)\.id\}$/.exec(Object.values<any>(json.resource.aws_db_instance)[0].vpc_security_group_ids[0])![1];
    const toDatabase = Object.keys(ingress).filter((id) => ingress[id].security_group_id.includes(dbSecurityGroup));
    expect(toDatabase).toHaveLength(3);
    delete ingress[toDatabase[0]];
    const diagram = diagramOf("aws-prod", json, "request path");
    const db = onlyNode(diagram, startsWith("RDS "));
    expect(diagram.edges.filter((candidate) => candidate.to === db.id)).toHaveLength(2);
  });

  test("NAT gateways: one removed, the others still one per zone, its zone's private subnet without a default route", () => {
    const json = clone(stacks["aws-prod"]);
    const nats = json.resource.aws_nat_gateway;
    delete nats[Object.keys(nats).sort()[2]];
    const diagram = diagramOf("aws-prod", json, "network");
    const nat = onlyNode(diagram, has("NAT gateway"));
    expect(nat.lines).toEqual(wrapped(["2 NAT gateways", "one per zone: eu-west-1a, eu-west-1b", "in public subnets", "public, Elastic IP each"]));
    const privateTier = onlyNode(diagram, startsWith("3 private subnets"));
    expect(privateTier.lines.join(" ")).toContain("eu-west-1c 10.20.48.0/20 (no default route)");
    expect(edge(diagram, privateTier.id, nat.id)!.lines).toEqual(wrapped(["0.0.0.0/0, same zone", "from eu-west-1a, eu-west-1b"]));
  });

  test("NAT gateways not used one per zone are drawn one by one, with the routes each gets", () => {
    const json = clone(stacks["aws-prod"]);
    const [first] = Object.keys(json.resource.aws_nat_gateway).sort();
    for (const table of Object.values<any>(json.resource.aws_route_table)) {
      for (const route of table.route ?? []) if (route.nat_gateway_id) route.nat_gateway_id = `\${aws_nat_gateway.${first}.id}`;
    }
    for (const route of Object.values<any>(json.resource.aws_route ?? {})) if (route.nat_gateway_id) route.nat_gateway_id = `\${aws_nat_gateway.${first}.id}`;
    const diagram = diagramOf("aws-prod", json, "network");
    const nats = nodesWhere(diagram, startsWith("NAT gateway"));
    expect(nats.map((nat) => nat.lines[0]).sort()).toEqual(["NAT gateway eu-west-1a", "NAT gateway eu-west-1b", "NAT gateway eu-west-1c"]);
    const privateTier = onlyNode(diagram, startsWith("3 private subnets"));
    expect(targets(diagram, privateTier.id)).toEqual([mermaidId("aws_nat_gateway", first)]);
    expect(edge(diagram, privateTier.id, mermaidId("aws_nat_gateway", first))!.lines).toEqual(["0.0.0.0/0"]);
    for (const nat of nats) expect(targets(diagram, nat.id)).toEqual([onlyNode(diagram, startsWith("internet gateway")).id]);
  });

  test("GCP: URL map host rules, Cloud SQL availability and the MIG's template follow the JSON", () => {
    const json = clone(stacks["gcp-prod"]);
    const urlMap = Object.values<any>(json.resource.google_compute_url_map).find((map) => map.host_rule);
    urlMap.host_rule = urlMap.host_rule.filter((rule: any) => !rule.hosts.includes("config.example.com"));
    Object.values<any>(json.resource.google_sql_database_instance)[0].settings.availability_type = "ZONAL";
    for (const template of Object.values<any>(json.resource.google_compute_instance_template)) template.machine_type = "n2-standard-4";
    const diagram = diagramOf("gcp-prod", json, "request path");
    expect(nodesWhere(diagram, has("host config.example.com"))).toHaveLength(0);
    const configBackend = onlyNode(diagram, startsWith("backend service web-prod-config"));
    expect(diagram.edges.filter((candidate) => candidate.to === configBackend.id)).toEqual([]);
    expect(onlyNode(diagram, startsWith("Cloud SQL")).lines).toContain("ZONAL");
    expect(nodesWhere(diagram, has("n2-standard-4"))).toHaveLength(3);
  });

  test("renamed logical ids give the same picture under new ids", () => {
    const renamed = JSON.parse(JSON.stringify(stacks["aws-prod"]).replace(/service-api_/g, "backend-x_").replace(/load-balancer_/g, "front_").replace(/([".])network_([a-z0-9-]+_[0-9A-F]{8})/g, "$1lan_$2"));
    for (const { kind } of DIAGRAM_KINDS) {
      const original = stackDiagram("aws-prod", stacks["aws-prod"], kind);
      const diagram = stackDiagram("aws-prod", renamed, kind);
      expect(diagram).not.toBe(original);
      expect(diagram.replace(/backend_x_/g, "service_api_").replace(/front_/g, "load_balancer_").replace(/lan_/g, "network_")).toBe(original);
    }
  });

  test("a hand-written minimal stack with unrelated names", () => {
    const json = {
      resource: {
        aws_vpc: { v: { cidr_block: "192.168.0.0/16", tags: { Name: "lab" } } },
        aws_subnet: {
          "app-a": { vpc_id: "${aws_vpc.v.id}", availability_zone: "us-east-1a", cidr_block: "192.168.1.0/24", tags: { Tier: "app" } },
          "edge-a": { vpc_id: "${aws_vpc.v.id}", availability_zone: "us-east-1a", cidr_block: "192.168.0.0/24", tags: { Tier: "edge" } },
        },
        aws_lb: { front: { name: "lab-lb", subnets: ["${aws_subnet.edge-a.id}"] } },
        aws_lb_listener: { plain: { load_balancer_arn: "${aws_lb.front.arn}", port: 8080, protocol: "HTTP", default_action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.pool.arn}" }] } },
        aws_lb_target_group: { pool: { name: "pool", port: 9000, protocol: "HTTP" } },
        aws_launch_template: { tpl: { instance_type: "c7i.xlarge" } },
        aws_autoscaling_group: {
          workers: { name: "workers", min_size: 1, max_size: 3, launch_template: { id: "${aws_launch_template.tpl.id}" }, target_group_arns: ["${aws_lb_target_group.pool.arn}"], vpc_zone_identifier: ["${aws_subnet.app-a.id}"] },
        },
      },
    };
    const diagram = diagramOf("lab", json, "request path");
    const listener = onlyNode(diagram, startsWith("HTTP 8080"));
    const pool = onlyNode(diagram, startsWith("target group pool"));
    const workers = onlyNode(diagram, startsWith("Auto Scaling group workers"));
    expect(edge(diagram, listener.id, pool.id)!.lines).toEqual(wrapped(["default"]));
    expect(edge(diagram, pool.id, workers.id)!.lines).toEqual(wrapped(["port 9000"]));
    expect(workers.lines).toEqual(wrapped(["Auto Scaling group workers", "c7i.xlarge", "1–3 instances", "app subnets: us-east-1a"]));
    const network = diagramOf("lab", json, "network");
    expect([...network.groups.values()].map((group) => group.title)).toEqual(["VPC lab · 192.168.0.0/16"]);
    // Tiers are ordered by address, not by name.
    expect([...network.nodes.values()].map((node) => node.lines)).toEqual([
      wrapped(["1 edge subnet", "us-east-1a 192.168.0.0/24", "hosts 1 load balancer", "no route to the internet"]),
      wrapped(["1 app subnet", "us-east-1a 192.168.1.0/24", "hosts 1 Auto Scaling group", "no route to the internet"]),
    ]);
  });
  test("subnets another team owns, referenced by id, are drawn as such with what they host", () => {
    const aws = {
      resource: {
        aws_security_group: { sg: { vpc_id: "vpc-0123" } },
        aws_lb: { lb: { name: "lb", subnets: ["subnet-b", "subnet-a"] } },
        aws_autoscaling_group: { asg: { name: "asg", min_size: 1, max_size: 1, vpc_zone_identifier: ["subnet-c"] } },
        aws_db_subnet_group: { dbs: { subnet_ids: ["subnet-d", "subnet-e"] } },
        aws_db_instance: { db: { identifier: "db", db_subnet_group_name: "${aws_db_subnet_group.dbs.name}" } },
      },
    };
    const network = diagramOf("existing", aws, "network");
    expect([...network.groups.values()].map((group) => group.title)).toEqual(["VPC vpc-0123 · not managed by this stack"]);
    expect([...network.nodes.values()].map((node) => node.lines)).toEqual([
      ["2 existing subnets", "subnet-a", "subnet-b", "hosts 1 load balancer"],
      wrapped(["1 existing subnet", "subnet-c", "hosts 1 Auto Scaling group"]),
      ["2 existing subnets", "subnet-d", "subnet-e", "hosts 1 RDS database"],
    ]);
    const url = "https://www.googleapis.com/compute/v1/projects/p1/regions/europe-west1/subnetworks/shared";
    const gcp = {
      resource: {
        google_compute_instance_template: { t: { machine_type: "e2-small", network_interface: [{ subnetwork: url }] } },
        google_compute_region_instance_group_manager: { m: { name: "m", target_size: 1, version: [{ instance_template: "${google_compute_instance_template.t.id}" }] } },
      },
    };
    expect([...diagramOf("existing", gcp, "network").nodes.values()].map((node) => node.lines)).toEqual([
      wrapped(["existing subnetwork shared", "europe-west1", "project p1", "not managed by this stack", "hosts 1 instance group"]),
    ]);
  });
});

describe("deterministic output", () => {
  test("same input, same output; key order of the JSON does not matter", () => {
    for (const [id, json] of Object.entries(stacks)) {
      const first = stackDiagrams(id, json);
      expect(stackDiagrams(id, clone(json))).toEqual(first);
      const reversed = { ...json, resource: Object.fromEntries(Object.entries<any>(json.resource).reverse().map(([type, all]) => [type, Object.fromEntries(Object.entries(all).reverse())])) };
      expect(stackDiagrams(id, reversed)).toEqual(first);
    }
  });

  test("an empty stack gives valid, nearly empty flowcharts", () => {
    expect(stackDiagrams("empty", {})).toEqual({
      "request path": "flowchart TB\n  %% empty request path: generated by npm run diagram from the synthesized Terraform JSON; do not edit\n",
      network: "flowchart TB\n  %% empty network: generated by npm run diagram from the synthesized Terraform JSON; do not edit\n",
    });
  });
});

describe("label wording", () => {
  test("counts are singular for exactly one: 1 instance, 2 instances, 1–2 instances", () => {
    expect(counted(1, "instance")).toBe("1 instance");
    expect(counted("1", "instance")).toBe("1 instance");
    expect(counted(2, "instance")).toBe("2 instances");
    expect(counted("1–2", "instance")).toBe("1–2 instances");
    expect(counted(0, "reserved IP")).toBe("0 reserved IPs");
    expect(counted("(computed)", "instance")).toBe("(computed) instances");
  });

  test("no diagram says '1 instances' or '(s)'; aws-dev and gcp-dev say '1 instance'", () => {
    for (const [id, json] of Object.entries(stacks)) {
      for (const text of Object.values(stackDiagrams(id, json))) expect(text).not.toMatch(/\b1 [a-z]+s\b|\(s\)/);
    }
    expect(nodesWhere(diagramOf("aws-dev", stacks["aws-dev"], "request path"), has("1 instance"))).toHaveLength(1);
    expect(nodesWhere(diagramOf("gcp-dev", stacks["gcp-dev"], "request path"), has("1 instance (autoscaled)"))).toHaveLength(1);
    expect(onlyNode(diagramOf("aws-dev", stacks["aws-dev"], "network"), startsWith("NAT gateway")).lines).toContain("in public subnet");
    expect(nodesWhere(diagramOf("aws-prod", stacks["aws-prod"], "network"), has("hosts 1 RDS database"))).toHaveLength(1);
    const minimal = { resource: { google_compute_instance_group_manager: { m: { name: "m", target_size: 1, zone: "z" } } } };
    expect(diagramOf("fixed", minimal, "request path").nodes.get("google_compute_instance_group_manager_m")!.lines).toContain("1 instance (fixed)");
  });

  test("label lines are wrapped at MAX_LINE characters after commas or spaces; no line of the examples is longer unless one word is", () => {
    expect(wrapLine("zones: europe-west1-b, europe-west1-c, europe-west1-d", 30)).toEqual(["zones: europe-west1-b,", "europe-west1-c, europe-west1-d"]);
    expect(wrapLine("zones: europe-west1-b, europe-west1-c")).toEqual(["zones: europe-west1-b,", "europe-west1-c"]);
    expect(wrapLine("short")).toEqual(["short"]);
    expect(wrapLine("ELBSecurityPolicy-TLS13-1-2-2021-06-and-more", 10)).toEqual(["ELBSecurityPolicy-TLS13-1-2-2021-06-and-more"]);
    for (const [id, json] of Object.entries(stacks)) for (const text of Object.values(stackDiagrams(id, json))) {
      const diagram = parse(text);
      for (const node of diagram.nodes.values()) for (const line of node.lines) if (line.includes(" ")) expect(line.length).toBeLessThanOrEqual(MAX_LINE);
    }
  });
});

describe("nothing is lost between the two diagrams", () => {
  // Every resource the diagrams draw: as a node or subgraph of its own, or summarised in a line.
  const DRAWN_REQUEST_PATH = [
    "aws_route53_zone", "aws_lb", "aws_lb_listener", "aws_lb_listener_rule", "aws_lb_target_group", "aws_autoscaling_group", "aws_db_instance",
    "google_dns_managed_zone", "google_compute_global_forwarding_rule", "google_compute_backend_service", "google_compute_region_instance_group_manager", "google_sql_database_instance",
  ];
  const DRAWN_NETWORK = ["aws_vpc", "aws_internet_gateway", "google_compute_network", "google_compute_subnetwork", "google_compute_router_nat", "google_sql_database_instance"];

  test.each(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"])("%s: every drawn resource is in one of them, each subnet's CIDR and each NAT gateway's zone in the network", (id) => {
    const json = stacks[id];
    const requestPath = diagramOf(id, json, "request path");
    const network = diagramOf(id, json, "network");
    const ids = (diagram: typeof network) => new Set([...diagram.nodes.keys(), ...diagram.groups.keys()]);
    const drawn = (types: string[], diagram: typeof network) =>
      types.flatMap((type) => Object.keys(json.resource[type] ?? {}).map((logicalId) => mermaidId(type, logicalId))).filter((key) => !ids(diagram).has(key));
    expect(drawn(DRAWN_REQUEST_PATH, requestPath)).toEqual([]);
    expect(drawn(DRAWN_NETWORK, network)).toEqual([]);
    const text = [...network.nodes.values()].map((node) => node.lines.join(" ")).join("\n");
    for (const subnet of Object.values<any>(json.resource.aws_subnet ?? {})) expect(text).toContain(`${subnet.availability_zone} ${subnet.cidr_block}`);
    for (const nat of Object.values<any>(json.resource.aws_nat_gateway ?? {})) {
      const home = json.resource.aws_subnet[/^\$\{aws_subnet\.(.+)\.id\}$/.exec(nat.subnet_id)![1]];
      expect(nodesWhere(network, (lines) => lines.join(" ").includes("NAT gateway") && lines.join(" ").includes(home.availability_zone))).toHaveLength(1);
    }
    // The load balancer's address is the GCP request path's entry.
    for (const [logicalId, address] of Object.entries<any>(json.resource.google_compute_global_address ?? {})) {
      expect(ids(address.purpose === "VPC_PEERING" ? network : requestPath)).toContain(mermaidId("google_compute_global_address", logicalId));
    }
  });
});

describe("narrow layouts", () => {
  test.each(["aws-dev", "aws-prod", "gcp-dev", "gcp-prod"])(`%s: no layer of either diagram has more than ${MAX_SIDE_BY_SIDE} nodes side by side`, (id) => {
    for (const text of Object.values(stackDiagrams(id, stacks[id]))) {
      const widest = Math.max(...layers(parse(text)).map((layer) => layer.length));
      expect(widest).toBeLessThanOrEqual(MAX_SIDE_BY_SIDE);
    }
  });

  test(`seven services on one listener are stacked ${MAX_SIDE_BY_SIDE} wide, each under the chain of the one ${MAX_SIDE_BY_SIDE} before`, () => {
    const services = ["a", "b", "c", "d", "e", "f", "g"];
    const json: any = {
      resource: {
        aws_lb: { lb: { name: "lb" } },
        aws_lb_listener: { https: { load_balancer_arn: "\${aws_lb.lb.arn}", port: 443, protocol: "HTTPS", default_action: [{ type: "fixed-response", fixed_response: { status_code: "404" } }] } },
        aws_lb_listener_rule: Object.fromEntries(services.map((name, index) => [name, {
          listener_arn: "\${aws_lb_listener.https.arn}",
          priority: index + 1,
          condition: [{ host_header: { values: [`${name}.example.com`] } }],
          action: [{ type: "forward", target_group_arn: `\${aws_lb_target_group.${name}.arn}` }],
        }])),
        aws_lb_target_group: Object.fromEntries(services.map((name) => [name, { name, port: 80, protocol: "HTTP" }])),
        aws_autoscaling_group: Object.fromEntries(services.map((name) => [name, { name, min_size: 1, max_size: 1, target_group_arns: [`\${aws_lb_target_group.${name}.arn}`] }])),
      },
    };
    const diagram = diagramOf("many", json, "request path");
    const rule = (name: string) => mermaidId("aws_lb_listener_rule", name);
    const asg = (name: string) => mermaidId("aws_autoscaling_group", name);
    expect(targets(diagram, mermaidId("aws_lb_listener", "https"))).toEqual(services.map(rule));
    expect(diagram.invisible).toEqual([[asg("a"), rule("d")], [asg("b"), rule("e")], [asg("c"), rule("f")], [asg("d"), rule("g")]]);
    expect(Math.max(...layers(diagram).map((layer) => layer.length))).toBe(MAX_SIDE_BY_SIDE);
    expect(sources(diagram, rule("d"))).toEqual([mermaidId("aws_lb_listener", "https")]);
  });
});

describe("Mermaid escaping", () => {
  test("characters that break labels become entity codes", () => {
    expect(escapeMermaidText('say "hi" <b> #1 | `x` & 50%')).toBe("say #quot;hi#quot; #lt;b#gt; #35;1 #124; #96;x#96; #38; 50#37;");
    expect(mermaidLabel(["first", 'a "b"'])).toBe('"first<br/>a #quot;b#quot;"');
    expect(escapeMermaidText("line\nbreak")).toBe("line break");
  });

  test("hostile names stay inside their labels and ids stay unique and sanitized", () => {
    const json = {
      resource: {
        aws_vpc: { "my-vpc": { cidr_block: "10.0.0.0/16", tags: { Name: 'evil"]; end; x-->y %% <script>' } } },
        aws_subnet: {
          "a-b": { vpc_id: "${aws_vpc.my-vpc.id}", availability_zone: "z1", cidr_block: "10.0.0.0/24", tags: { Tier: "a-b" } },
          a_b: { vpc_id: "${aws_vpc.my-vpc.id}", availability_zone: "z2 end", cidr_block: "10.0.1.0/24", tags: { Tier: "a_b" } },
        },
      },
    };
    const text = stackDiagram("hostile", json, "network");
    const diagram = parse(text);
    expect([...diagram.groups.values()][0].title).toBe('VPC evil"]; end; x-->y %% <script> · 10.0.0.0/16');
    const ids = [...diagram.nodes.keys()];
    expect(ids).toEqual(["tier_aws_vpc_my_vpc_a_b", "tier_aws_vpc_my_vpc_a_b_2"]);
    expect(text).not.toContain("<script>");
  });
});
