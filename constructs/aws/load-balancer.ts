/**
 * The internet-facing Application Load Balancer in front of the services: HTTP redirects to
 * HTTPS, HTTPS routes by Host header to one target group per service and answers 404 to
 * anything else. Targets are registered elsewhere: the instance group attaches its ASG to
 * `targetGroupArns`, and the stack opens it to this load balancer with `instanceGroup.allowFrom(loadBalancer)`.
 */
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { awsTargetGroupName } from "../../lib/naming";
import { parseIpv4Cidr } from "../../lib/cidr";
import { HealthCheckSettings, targetGroupHealthCheck } from "./health-check";
import { PropsError } from "../../lib/errors";
import { Connectable } from "./connections";
import { ALB_IDLE_TIMEOUT_SECONDS, DEREGISTRATION_DELAY_SECONDS, ELB_NAME, ELB_NAME_MAX } from "./limits";
import { describeRange, isIntegerIn, PORT_RANGE } from "../../lib/range";

/** How the load balancer spreads requests over the healthy targets of a service. */
/** ALB `load_balancing_algorithm_type` values this construct offers. */
export type LoadBalancingAlgorithm = "round_robin" | "least_outstanding_requests";

/** One backend service reached through the load balancer by Host header. */
export interface LoadBalancedService {
  /**
   * Short service name (letters, digits, "-"); the target group is named "<lb name>-<service name>-<port>",
   * at most 32 characters, and `targetGroupArns` is keyed by it.
   */
  readonly name: string;

  /**
   * Host headers routed to this service, e.g. ["api.example.com"]; "*" and "?" wildcards are allowed.
   * Unique across services; more than 5 are spread over several listener rules (an ALB limit per condition).
   */
  readonly hostnames: string[];

  /**
   * Port the instances listen on (plain HTTP from the load balancer), 1..65535.
   */
  readonly port: number;

  /**
   * The target group's health check.
   */
  readonly healthCheck: HealthCheckSettings;

  /**
   * Seconds a deregistering instance keeps its in-flight requests before being cut off (0..3600).
   * Shorter than AWS's 300 s so deployments and scale-in do not stall.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;
}

export interface LoadBalancerProps {
  /**
   * Name of the ALB (at most 32 of letters, digits and "-"); prefixes the target groups and security group.
   */
  readonly name: string;

  /**
   * VPC of the target groups and the load balancer's security group.
   */
  readonly vpcId: string;

  /**
   * Public subnets for the load balancer, at least two (in different availability zones, which AWS checks).
   */
  readonly subnetIds: string[];

  /**
   * ARN of the issued ACM certificate served by the HTTPS listener (e.g. `Certificate.certificateArn`).
   */
  readonly certificateArn: string;

  /**
   * The services routed by Host header; the order fixes the listener rule priorities, so append new ones.
   */
  readonly services: LoadBalancedService[];

  /**
   * Seconds an idle connection stays open (1..4000); raise it for websockets or long polling.
   * @default 60
   */
  readonly idleTimeoutSeconds?: number;

  /**
   * Request distribution within each target group (the target group's `load_balancing_algorithm_type`).
   * @default "round_robin"
   */
  readonly algorithm?: LoadBalancingAlgorithm;

  /**
   * Refuse deletion of the load balancer through the API (and so `terraform destroy`) until switched off.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * TLS negotiation policy of the HTTPS listener.
   * @default "ELBSecurityPolicy-TLS13-1-2-2021-06" (TLS 1.3 and 1.2 with forward-secret ciphers)
   */
  readonly sslPolicy?: string;

  /**
   * IPv4 ranges allowed to reach ports 80 and 443. IPv4 only: the load balancer is created with
   * `ip_address_type = "ipv4"`, so an IPv6 rule would never match.
   * @default ["0.0.0.0/0"]
   */
  readonly ingressCidrs?: string[];
}

// ALB rejects a host-header condition with more values than this.
const HOSTS_PER_RULE = 5;
// Each service owns a block of priorities so that appending a service or a hostname never
// renumbers the rules of the services before it.
const PRIORITIES_PER_SERVICE = 10;
const MAX_HOSTNAMES = HOSTS_PER_RULE * PRIORITIES_PER_SERVICE;
const MAX_HOST_VALUE = 128;
const HOST_PATTERN = /^[a-z0-9*?.-]+$/;

const ALGORITHMS: readonly LoadBalancingAlgorithm[] = ["round_robin", "least_outstanding_requests"];

/** Why `name` is not a valid ALB or target group name, or undefined. */
function elbNameProblem(name: string): string | undefined {
  if (name.length > ELB_NAME_MAX) return `"${name}" is ${name.length} characters long (at most ${ELB_NAME_MAX})`;
  if (!ELB_NAME.test(name)) {
    return `"${name}" must be 1..${ELB_NAME_MAX} of letters, digits and "-", not starting or ending with "-"`;
  }
  return undefined;
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** The ALB, its listeners, target groups and host rules, behind a security group open on 80/443 only. */
export class LoadBalancer extends Construct implements Connectable {
  /** ARN of the load balancer. */
  readonly arn: string;
  /** Public DNS name, the target of alias records. */
  readonly dnsName: string;
  /** Route 53 zone id of the load balancer, for alias records. */
  readonly zoneId: string;
  /**
   * The load balancer's security group. It has no egress of its own: `instanceGroup.allowFrom(loadBalancer)`
   * admits it on the service port and adds the egress rule to those instances on it.
   */
  readonly securityGroupId: string;
  /** ARN of the HTTPS:443 listener (extra rules, certificates). */
  readonly httpsListenerArn: string;
  /** ARN of the HTTP:80 listener (redirects to HTTPS). */
  readonly httpListenerArn: string;
  /** Target group ARN of each service, keyed by service name. */
  readonly targetGroupArns: Record<string, string>;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const problem = (prop: string, what: string): Error => new PropsError("LoadBalancer", id, prop, what);

    const nameProblem = elbNameProblem(props.name);
    if (nameProblem) throw problem("name", nameProblem);
    if (props.name.toLowerCase().startsWith("internal-")) {
      throw problem("name", `"${props.name}" must not start with "internal-" (reserved by AWS)`);
    }
    if (!props.vpcId) throw problem("vpcId", "is empty (the id of the VPC holding the subnets)");
    if (props.subnetIds.length < 2) {
      throw problem("subnetIds", `has ${props.subnetIds.length} subnet(s) (at least 2, in different availability zones)`);
    }
    const literalSubnets = props.subnetIds.filter((subnet) => !Token.isUnresolved(subnet));
    const repeatedSubnet = literalSubnets.find((subnet, index) => literalSubnets.indexOf(subnet) !== index);
    if (repeatedSubnet) throw problem("subnetIds", `"${repeatedSubnet}" is listed twice (distinct subnets)`);
    if (!props.certificateArn) throw problem("certificateArn", "is empty (the ARN of an issued ACM certificate)");
    if (!Token.isUnresolved(props.certificateArn) && !props.certificateArn.startsWith("arn:")) {
      throw problem("certificateArn", `"${props.certificateArn}" is not an ARN (arn:aws:acm:...)`);
    }

    const idleTimeout = props.idleTimeoutSeconds ?? 60;
    if (!isIntegerIn(idleTimeout, ALB_IDLE_TIMEOUT_SECONDS)) {
      throw problem("idleTimeoutSeconds", `${idleTimeout} is out of range (${describeRange(ALB_IDLE_TIMEOUT_SECONDS)})`);
    }
    const algorithm = props.algorithm ?? "round_robin";
    if (!ALGORITHMS.includes(algorithm)) {
      throw problem("algorithm", `"${algorithm}" is not supported ("round_robin" or "least_outstanding_requests")`);
    }
    const sslPolicy = props.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06";
    if (!sslPolicy.startsWith("ELBSecurityPolicy-")) {
      throw problem("sslPolicy", `"${sslPolicy}" is not an ELB security policy name (ELBSecurityPolicy-...)`);
    }
    const ingressCidrs = props.ingressCidrs ?? ["0.0.0.0/0"];
    if (ingressCidrs.length === 0) throw problem("ingressCidrs", "is empty (at least one IPv4 CIDR, e.g. 0.0.0.0/0)");
    ingressCidrs.forEach((cidr, index) => {
      const parsed = parseIpv4Cidr(cidr);
      if ("error" in parsed) throw problem(`ingressCidrs[${index}]`, `${parsed.error} (IPv4 only: the load balancer has no IPv6 address)`);
      if (ingressCidrs.indexOf(cidr) !== index) throw problem(`ingressCidrs[${index}]`, `${cidr} is listed twice`);
    });

    if (props.services.length === 0) throw problem("services", "is empty (at least one service)");
    const serviceIndex = new Map<string, number>();
    const hostOwner = new Map<string, string>();
    const services = props.services.map((service, index) => {
      const at = `services[${index}]`;
      if (serviceIndex.has(service.name)) {
        throw problem(`${at}.name`, `"${service.name}" is already used by services[${serviceIndex.get(service.name)}] (unique names)`);
      }
      serviceIndex.set(service.name, index);
      if (!ELB_NAME.test(service.name)) {
        throw problem(`${at}.name`, `"${service.name}" must be letters, digits and "-", not starting or ending with "-"`);
      }
      if (!isIntegerIn(service.port, PORT_RANGE)) {
        throw problem(`${at}.port`, `${service.port} is out of range (${describeRange(PORT_RANGE)})`);
      }
      const targetGroupName = awsTargetGroupName(props.name, service.name, service.port);
      const targetGroupProblem = elbNameProblem(targetGroupName);
      if (targetGroupProblem) throw problem(`${at}.name`, `target group name ${targetGroupProblem}`);
      const deregistrationDelay = service.deregistrationDelaySeconds ?? 30;
      if (!isIntegerIn(deregistrationDelay, DEREGISTRATION_DELAY_SECONDS)) {
        throw problem(`${at}.deregistrationDelaySeconds`, `${deregistrationDelay} is out of range (${describeRange(DEREGISTRATION_DELAY_SECONDS)})`);
      }
      if (service.hostnames.length === 0) throw problem(`${at}.hostnames`, "is empty (at least one host name)");
      if (service.hostnames.length > MAX_HOSTNAMES) {
        throw problem(`${at}.hostnames`, `has ${service.hostnames.length} entries (at most ${MAX_HOSTNAMES} per service)`);
      }
      // ALB compares host headers case-insensitively: duplicates are detected the same way.
      const hostnames = service.hostnames.map((raw, hostIndex) => {
        const host = raw.trim().toLowerCase().replace(/\.$/, "");
        if (host.length === 0 || host.length > MAX_HOST_VALUE || !HOST_PATTERN.test(host)) {
          throw problem(
            `${at}.hostnames[${hostIndex}]`,
            `"${raw}" is not a host name pattern (1..${MAX_HOST_VALUE} of a-z, 0-9, "-", ".", "*" and "?")`,
          );
        }
        const owner = hostOwner.get(host);
        if (owner !== undefined) {
          throw problem(`${at}.hostnames[${hostIndex}]`, `"${host}" is already routed to service "${owner}" (unique across services)`);
        }
        hostOwner.set(host, service.name);
        return host;
      });
      let healthCheck;
      try {
        healthCheck = targetGroupHealthCheck(service.healthCheck);
      } catch (error) {
        if (!(error instanceof PropsError)) throw error;
        throw problem(`${at}.healthCheck`, `health check: ${error.prop}: ${error.problem}`);
      }
      return { ...service, targetGroupName, hostnames, healthCheck, deregistrationDelay };
    });

    const securityGroup = new SecurityGroup(this, "security-group", {
      name: `${props.name}-alb`,
      description: "Internet-facing application load balancer",
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-alb` },
    });
    // Standalone rules only: egress to each service is added by that instance group's allowFrom,
    // so the group holds no blanket egress.
    for (const cidr of ingressCidrs) {
      for (const [protocol, port] of [["http", 80], ["https", 443]] as const) {
        new VpcSecurityGroupIngressRule(this, `ingress-${protocol}-${cidr.replace("/", "_")}`, {
          securityGroupId: securityGroup.id,
          description: `${protocol.toUpperCase()} from ${cidr}`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
          tags: { Name: `${props.name}-alb-${protocol}` },
        });
      }
    }

    const loadBalancer = new Lb(this, "alb", {
      name: props.name,
      loadBalancerType: "application",
      internal: false,
      ipAddressType: "ipv4",
      subnets: props.subnetIds,
      securityGroups: [securityGroup.id],
      dropInvalidHeaderFields: true,
      idleTimeout,
      enableDeletionProtection: props.deletionProtection ?? true,
      tags: { Name: props.name },
    });

    const httpListener = new LbListener(this, "http", {
      loadBalancerArn: loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [
        {
          type: "redirect",
          redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
        },
      ],
      tags: { Name: `${props.name}-http` },
    });

    const httpsListener = new LbListener(this, "https", {
      loadBalancerArn: loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      certificateArn: props.certificateArn,
      sslPolicy,
      // Unknown hosts get nothing: only the hostnames declared per service reach a backend.
      defaultAction: [
        {
          type: "fixed-response",
          fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not Found" },
        },
      ],
      tags: { Name: `${props.name}-https` },
    });

    this.targetGroupArns = {};
    services.forEach((service, index) => {
      const targetGroup = new LbTargetGroup(this, `target-group-${service.name}`, {
        name: service.targetGroupName,
        vpcId: props.vpcId,
        targetType: "instance",
        protocol: "HTTP",
        port: service.port,
        loadBalancingAlgorithmType: algorithm,
        deregistrationDelay: String(service.deregistrationDelay),
        healthCheck: service.healthCheck,
        tags: { Name: service.targetGroupName },
        // A port change replaces the group; its name carries the port so the new one can come first.
        lifecycle: { createBeforeDestroy: true },
      });
      this.targetGroupArns[service.name] = targetGroup.arn;

      chunks(service.hostnames, HOSTS_PER_RULE).forEach((hosts, chunk) => {
        new LbListenerRule(this, `rule-${service.name}-${chunk}`, {
          listenerArn: httpsListener.arn,
          priority: PRIORITIES_PER_SERVICE * (index + 1) + chunk,
          action: [{ type: "forward", targetGroupArn: targetGroup.arn }],
          condition: [{ hostHeader: { values: hosts } }],
          tags: { Name: `${props.name}-${service.name}-${chunk}` },
        });
      });
    });

    this.arn = loadBalancer.arn;
    this.dnsName = loadBalancer.dnsName;
    this.zoneId = loadBalancer.zoneId;
    this.securityGroupId = securityGroup.id;
    this.httpsListenerArn = httpsListener.arn;
    this.httpListenerArn = httpListener.arn;
  }
}
