/**
 * Deployment modes: the findings a NAT-less or HTTP-only environment necessarily causes name the
 * mode and take its severity; the NAT-less claim (only the load balancer gets in) is verified.
 */
import * as fs from "fs";
import * as path from "path";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ComputeUrlMap } from "@cdktf/provider-google/lib/compute-url-map";
import { Construct } from "constructs";
import { MODE_EFFECTS } from "../../policy/modes";
import { PolicyMode, PolicyModes } from "../../policy/types";
import { ALL_RULES } from "../../policy/rules";
import { compliantLoadBalancer, instancesBehind } from "./fixtures-aws";
import { compliantTemplate, firewall, httpFrontEnd } from "./fixtures-gcp";
import { checkFixture, CheckOptions, Cloud, findingsOf, rule } from "./support";

const NAT_LESS = "NAT-less layout (aws.network.nat: none / gcp.network.nat: none)";
const NAT_LESS_CLAIM = `${NAT_LESS}: instances have public IPs; their security group/firewall admits only the load balancer`;
const NAT_LESS_FIX =
  "Accepted while the instances admit only the load balancer; for private instances set aws.network.nat single/per-az or gcp.network.nat cloud-nat";
const HTTP_ONLY = "HTTP-only: no domain, so no certificate; add a domain for HTTPS";
const HTTP_ONLY_FIX = "Set domain in the environment file: the load balancer then serves HTTPS and port 80 only redirects";

const AWS_PUBLIC_IP = 'network_interfaces[0].associate_public_ip_address is "true"';
const GCP_EXTERNAL_IP = "network_interface[0] has an access_config (external IPv4)";

/** Instances with public IPs whose group admits the ALB's group, plus whatever `extra` opens. */
function awsNatLess(extra: (scope: Construct, instances: SecurityGroup) => void = () => undefined) {
  return (scope: Construct): void => {
    const instances = instancesBehind(scope, compliantLoadBalancer(scope, "alb").group);
    extra(scope, instances);
    new LaunchTemplate(scope, "template", {
      metadataOptions: { httpTokens: "required" },
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }],
      networkInterfaces: [{ associatePublicIpAddress: "true", deviceIndex: 0, securityGroups: [instances.id] }],
    });
  };
}

/** VMs with external IPs tagged "app", admitting Google's probes and IAP, plus whatever `extra` opens. */
function gcpNatLess(extra: (scope: Construct) => void = () => undefined) {
  return (scope: Construct): void => {
    firewall(scope, "allow-lb", {
      allow: [{ protocol: "tcp", ports: ["8080"] }],
      sourceRanges: ["130.211.0.0/22", "35.191.0.0/16"],
      targetTags: ["app"],
    });
    firewall(scope, "iap-ssh", { allow: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["35.235.240.0/20"], targetTags: ["app"] });
    // Another service's rule does not concern these VMs.
    firewall(scope, "other-service", { allow: [{ protocol: "tcp", ports: ["9000"] }], sourceRanges: ["10.0.0.0/8"], targetTags: ["other"] });
    extra(scope);
    compliantTemplate(scope, "template", { tags: ["app"], networkInterface: [{ subnetwork: "s", accessConfig: [{}] }] });
  };
}

/** An ALB whose port 80 forwards, with a path rule on it: what the stack builds without a domain. */
function awsHttpOnly(scope: Construct): void {
  const { alb } = compliantLoadBalancer(scope, "alb");
  const http = new LbListener(scope, "http", {
    loadBalancerArn: alb.arn,
    port: 80,
    protocol: "HTTP",
    defaultAction: [{ type: "forward", targetGroupArn: "arn:web" }],
  });
  new LbListenerRule(scope, "api", {
    listenerArn: http.arn,
    action: [{ type: "forward", targetGroupArn: "arn:api" }],
    condition: [{ pathPattern: { values: ["/api/*"] } }],
  });
}

function gcpHttpOnly(scope: Construct): void {
  httpFrontEnd(scope, new ComputeUrlMap(scope, "routing", { name: "routing", defaultService: "web-backend" }));
}

const AWS_HTTP_DETAIL = 'default_action[0] is "forward", not a redirect to HTTPS; listener rule api serves plain HTTP instead of redirecting';
const GCP_HTTP_DETAIL = "url map routing serves traffic (default_service) instead of only redirecting";

interface ModeCase {
  mode: PolicyMode;
  cloud: Cloud;
  rule: string;
  build: (scope: Construct) => void;
  resource: string;
  /** The rule's own detail, which the mode wraps. */
  detail: string;
}

const CASES: ModeCase[] = [
  { mode: "natLess", cloud: "aws", rule: "AWS-EC2-PUBLIC-IP", build: awsNatLess(), resource: "template", detail: AWS_PUBLIC_IP },
  { mode: "natLess", cloud: "gcp", rule: "GCP-VM-EXTERNAL-IP", build: gcpNatLess(), resource: "template", detail: GCP_EXTERNAL_IP },
  { mode: "httpOnly", cloud: "aws", rule: "AWS-ELB-HTTP-REDIRECT", build: awsHttpOnly, resource: "http", detail: AWS_HTTP_DETAIL },
  { mode: "httpOnly", cloud: "gcp", rule: "GCP-LB-HTTP-REDIRECT", build: gcpHttpOnly, resource: "http-rule", detail: GCP_HTTP_DETAIL },
];

const MODED: Record<PolicyMode, { detail: (ruleDetail: string) => string; fix: string; development: string; production: string }> = {
  natLess: { detail: (detail) => `${NAT_LESS_CLAIM} (${detail})`, fix: NAT_LESS_FIX, development: "medium", production: "medium" },
  httpOnly: { detail: (detail) => `${HTTP_ONLY} (${detail})`, fix: HTTP_ONLY_FIX, development: "medium", production: "high" },
};

/** The one finding of `entry.rule`, as severity/detail/fix (the rest is the rule's). */
function moded(entry: ModeCase, options: CheckOptions) {
  const aspect = checkFixture(entry.cloud, entry.build, options);
  const findings = findingsOf(aspect, entry.rule);
  expect(findings).toHaveLength(1);
  const [{ rule: id, resource, title, severity, detail, fix, suppressedReason }] = findings;
  expect({ id, resource, title }).toEqual({ id: entry.rule, resource: entry.resource, title: rule(entry.rule).title });
  return { aspect, severity, detail, fix, suppressedReason };
}

describe.each(CASES.map((entry) => [entry.mode, entry.cloud, entry] as const))("%s on %s", (mode, _cloud, entry) => {
  const on: PolicyModes = { [mode]: true };

  test.each([false, true])("production %s: the finding names the mode, with the mode's severity", (production) => {
    const { aspect, severity, detail, fix } = moded(entry, { production, modes: on });
    expect({ severity, detail, fix }).toEqual({
      severity: MODED[mode][production ? "production" : "development"],
      detail: MODED[mode].detail(entry.detail),
      fix: MODED[mode].fix,
    });
    // Nothing else in the fixture fires: the mode's finding is the whole report.
    expect(aspect.findings()).toHaveLength(1);
    expect(aspect.blocking()).toHaveLength(production && severity === "high" ? 1 : 0);
  });

  test("with the mode off the finding is the rule's own, as before", () => {
    for (const modes of [undefined, {}, { [mode]: false }]) {
      const { severity, detail, fix } = moded(entry, { production: true, modes });
      expect({ severity, detail, fix }).toEqual({ severity: "high", detail: entry.detail, fix: rule(entry.rule).fix });
    }
  });

  test("the other mode leaves the finding alone", () => {
    const other: PolicyModes = { natLess: mode !== "natLess", httpOnly: mode !== "httpOnly" };
    const { severity, detail } = moded(entry, { production: true, modes: other });
    expect({ severity, detail }).toEqual({ severity: "high", detail: entry.detail });
  });

  test("a suppression still matches the rule id and silences the moded finding", () => {
    const reason = "demo environment, accepted until OPS-77";
    const suppressions = [{ rule: entry.rule, resource: entry.resource, reason }];
    const { aspect, detail, suppressedReason } = moded(entry, { production: true, modes: on, suppressions });
    expect({ detail, suppressedReason }).toEqual({ detail: MODED[mode].detail(entry.detail), suppressedReason: reason });
    expect(aspect.blocking()).toEqual([]);
    expect(aspect.unusedSuppressions()).toEqual([]);
  });
});

describe("HTTP-only", () => {
  test("blocks production unless suppressed, and only reports in development", () => {
    const production = checkFixture("aws", awsHttpOnly, { production: true, modes: { httpOnly: true } });
    expect(production.blocking().map((finding) => `${finding.severity} ${finding.rule} ${finding.detail}`)).toEqual([
      `high AWS-ELB-HTTP-REDIRECT ${HTTP_ONLY} (${AWS_HTTP_DETAIL})`,
    ]);
    const development = checkFixture("gcp", gcpHttpOnly, { production: false, modes: { httpOnly: true } });
    expect(development.findings().map((finding) => finding.severity)).toEqual(["medium"]);
  });
});

describe("NAT-less claim: only the load balancer gets in", () => {
  const natLess = { production: true, modes: { natLess: true } };
  const publicIpRule: Record<Cloud, string> = { aws: "AWS-EC2-PUBLIC-IP", gcp: "GCP-VM-EXTERNAL-IP" };
  const publicIp = (cloud: Cloud, build: (scope: Construct) => void) => findingsOf(checkFixture(cloud, build, natLess), publicIpRule[cloud]);
  const broken = (ruleDetail: string, why: string) => `${ruleDetail}; the ${NAT_LESS} does not excuse it: ${why}`;

  test.each([
    [
      "the instance group open to the world",
      awsNatLess((scope, instances) =>
        new VpcSecurityGroupIngressRule(scope, "from-world", {
          securityGroupId: instances.id,
          ipProtocol: "tcp",
          fromPort: 3000,
          toPort: 3000,
          cidrIpv4: "0.0.0.0/0",
        }),
      ),
      "from-world admits tcp 3000 from 0.0.0.0/0",
    ],
    [
      "an office range (not the world, so no other rule sees it) and another group, inline",
      awsNatLess((scope, instances) => {
        const bastion = new SecurityGroup(scope, "bastion", { vpcId: "vpc-1" });
        instances.addOverride("ingress", [
          { protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["203.0.113.0/24"], security_groups: [bastion.id] },
        ]);
      }),
      "instances ingress[0] admits tcp 22 from 203.0.113.0/24, bastion",
    ],
  ])("AWS: %s stays high and says why", (_name, build, why) => {
    const findings = publicIp("aws", build);
    expect(findings.map(({ severity, detail, fix }) => ({ severity, detail, fix }))).toEqual([
      { severity: "high", detail: broken(AWS_PUBLIC_IP, why), fix: rule("AWS-EC2-PUBLIC-IP").fix },
    ]);
  });

  test("AWS: an instance with no security group of its own (the VPC default) stays high", () => {
    const findings = publicIp("aws", (scope) => {
      new LaunchTemplate(scope, "template", { networkInterfaces: [{ associatePublicIpAddress: "true", deviceIndex: 0 }] });
    });
    expect(findings.map((finding) => [finding.severity, finding.detail])).toEqual([
      ["high", broken(AWS_PUBLIC_IP, "no security group is attached, so the VPC's default group applies")],
    ]);
  });

  test("AWS: a security group from outside the stack cannot be verified and stays high", () => {
    const findings = publicIp("aws", (scope) => {
      new LaunchTemplate(scope, "template", { networkInterfaces: [{ associatePublicIpAddress: "true", deviceIndex: 0, securityGroups: ["sg-123"] }] });
    });
    expect(findings.map((finding) => [finding.severity, finding.detail])).toEqual([
      ["high", broken(AWS_PUBLIC_IP, 'security group "sg-123" is not of this stack, so what it admits cannot be verified')],
    ]);
  });

  test.each([
    [
      "a rule on the VMs' tag open to the world",
      { allow: [{ protocol: "tcp", ports: ["8080"] }], sourceRanges: ["0.0.0.0/0"], targetTags: ["app"] },
      "firewall extra admits 0.0.0.0/0",
    ],
    [
      "a rule for every VM of the network with no source (GCP's default is 0.0.0.0/0)",
      { allow: [{ protocol: "tcp", ports: ["8080"] }] },
      "firewall extra admits 0.0.0.0/0 (the default when no source is set)",
    ],
    [
      "an office range and other VMs by tag",
      { allow: [{ protocol: "tcp", ports: ["22"] }], sourceRanges: ["203.0.113.0/24"], sourceTags: ["bastion"], targetTags: ["app"] },
      "firewall extra admits 203.0.113.0/24, tag bastion",
    ],
  ])("GCP: %s stays high and says why", (_name, config, why) => {
    const findings = publicIp("gcp", gcpNatLess((scope) => firewall(scope, "extra", config as any)));
    expect(findings.map(({ severity, detail, fix }) => ({ severity, detail, fix }))).toEqual([
      { severity: "high", detail: broken(GCP_EXTERNAL_IP, why), fix: rule("GCP-VM-EXTERNAL-IP").fix },
    ]);
  });

  test("GCP: deny, egress and disabled rules admit nothing", () => {
    const findings = publicIp(
      "gcp",
      gcpNatLess((scope) => {
        firewall(scope, "deny", { deny: [{ protocol: "all" }], sourceRanges: ["0.0.0.0/0"], targetTags: ["app"] });
        firewall(scope, "egress", { direction: "EGRESS", allow: [{ protocol: "all" }], destinationRanges: ["0.0.0.0/0"] });
        firewall(scope, "disabled", { disabled: true, allow: [{ protocol: "tcp", ports: ["8080"] }], sourceRanges: ["0.0.0.0/0"] });
      }),
    );
    expect(findings.map((finding) => finding.severity)).toEqual(["medium"]);
  });
});

describe("the mode table", () => {
  test("names only existing rules, one per cloud per mode", () => {
    for (const effect of Object.values(MODE_EFFECTS)) {
      const ids = Object.keys(effect.rules);
      expect(ids.filter((id) => !ALL_RULES.some((entry) => entry.id === id))).toEqual([]);
      expect(ids.map((id) => id.split("-")[0]).sort()).toEqual(["AWS", "GCP"]);
    }
  });

  test("policy/README.md documents every mode with its rules, severities and wording", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "policy", "README.md"), "utf8");
    for (const [mode, effect] of Object.entries(MODE_EFFECTS)) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${mode}\``));
      expect(row).toContain(`| ${Object.keys(effect.rules).join(", ")} | ${effect.severity.development} | ${effect.severity.production}`);
      expect(row).toContain(`| ${effect.name}: ${effect.claim} |`);
    }
  });

  test("a mode that causes no finding adds nothing", () => {
    const aspect = checkFixture("gcp", (scope) => compliantTemplate(scope, "template"), { production: true, modes: { natLess: true, httpOnly: true } });
    expect(aspect.findings()).toEqual([]);
  });
});
