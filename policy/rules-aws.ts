/**
 * AWS rules: the high-severity network, encryption and TLS checks checkov/trivy/cdk-nag apply to
 * the resources this project makes, plus production reliability settings.
 */
import { block, blocks, isTrue, numberOf, referenced, refersTo } from "../lib/terraform-json";
import {
  adminExposure,
  describeRange,
  isWorld,
  joinProblems,
  normalizeProtocol,
  PortRange,
  show,
} from "./config-helpers";
import { PolicyRule, ResolvedResource } from "./types";

const LOAD_BALANCER_TYPES = ["aws_lb", "aws_alb"];
const LISTENER_TYPES = ["aws_lb_listener", "aws_alb_listener"];
const LISTENER_RULE_TYPES = ["aws_lb_listener_rule", "aws_alb_listener_rule"];
const SECURITY_GROUP_TYPES = ["aws_security_group", "aws_default_security_group"];
const INGRESS_TYPES = ["aws_vpc_security_group_ingress_rule", "aws_security_group_rule", ...SECURITY_GROUP_TYPES];
const INSTANCE_TYPES = ["aws_launch_template", "aws_instance"];

/**
 * ELB security policies whose minimum protocol is TLS 1.2 or 1.3: the TLS13-1-2/1-3 family (incl.
 * Res, Ext, FIPS and PQ variants), TLS-1-2(-Ext) and FS-1-2(-Res). TLS13-1-0/1-1, FS-1-1 and the
 * 2015/2016 defaults admit TLS 1.0/1.1 and stay out.
 */
const TLS12_ELB_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

/** One ingress permission, whatever resource shape it came from. */
interface Ingress {
  /** Where it sits inside the resource, as a detail prefix ("ingress[0] "); empty for a rule resource. */
  where: string;
  protocol: string;
  ports: PortRange;
  cidrs: string[];
  /** Security groups and prefix lists it admits, as written (references or ids). */
  peers: unknown[];
  /** The security group it opens; the group itself for inline ingress. */
  group: unknown;
}

function ingressOf(config: any, self: ResolvedResource): Ingress[] {
  const cidrsOf = (...lists: unknown[]) => lists.flatMap((list) => blocks(list)).filter((cidr): cidr is string => typeof cidr === "string");
  const entry = (where: string, rule: any, cidrs: string[], peers: unknown[], group: unknown): Ingress => {
    const protocol = normalizeProtocol(rule.ip_protocol ?? rule.protocol);
    const ports = protocol === "all" ? { from: 0, to: 65535 } : { from: numberOf(rule.from_port), to: numberOf(rule.to_port) };
    return { where, protocol, ports, cidrs, peers: peers.filter((peer) => peer !== undefined), group };
  };
  // `self = true` admits the group's own members: a peer like any other.
  const selfPeer = (rule: any, group: unknown) => (isTrue(rule.self) ? [group] : []);
  switch (self.type) {
    case "aws_vpc_security_group_ingress_rule":
      return [
        entry("", config, cidrsOf(config.cidr_ipv4, config.cidr_ipv6), [config.referenced_security_group_id, config.prefix_list_id], config.security_group_id),
      ];
    case "aws_security_group_rule":
      return config.type === "ingress"
        ? [
            entry("", config, cidrsOf(config.cidr_blocks, config.ipv6_cidr_blocks), [
              config.source_security_group_id,
              ...blocks(config.prefix_list_ids),
              ...selfPeer(config, config.security_group_id),
            ], config.security_group_id),
          ]
        : [];
    default: {
      const group = `\${${self.type}.${self.logicalId}.id}`;
      return blocks(config.ingress).map((rule, index) =>
        entry(`ingress[${index}] `, rule, cidrsOf(rule.cidr_blocks, rule.ipv6_cidr_blocks), [
          ...blocks(rule.security_groups),
          ...blocks(rule.prefix_list_ids),
          ...selfPeer(rule, group),
        ], group),
      );
    }
  }
}

function worldIngress(config: any, self: ResolvedResource): { ingress: Ingress; cidr: string }[] {
  return ingressOf(config, self).flatMap((ingress) => {
    const cidr = ingress.cidrs.find(isWorld);
    return cidr ? [{ ingress, cidr }] : [];
  });
}

function isLoadBalancerGroup(group: unknown, all: ResolvedResource[]): boolean {
  return all.some(
    (resource) =>
      LOAD_BALANCER_TYPES.includes(resource.type) &&
      blocks(resource.config.security_groups).some((member) => {
        const target = referencedGroup(member, all);
        return target !== undefined && refersTo(group, target);
      }),
  );
}

function referencedGroup(value: unknown, all: ResolvedResource[]): ResolvedResource | undefined {
  return referenced(all, value, SECURITY_GROUP_TYPES);
}

function describeTraffic(ingress: Ingress): string {
  return ingress.protocol === "all" ? "all traffic" : `${ingress.protocol || "protocol?"} ${describeRange(ingress.ports)}`;
}

function describeIngress({ ingress, cidr }: { ingress: Ingress; cidr: string }): string {
  return `${ingress.where}${describeTraffic(ingress)} from ${cidr}`;
}

const adminIngress: PolicyRule = {
  id: "AWS-SG-INGRESS-ADMIN-OPEN",
  severity: "high",
  title: "No security group admits SSH 22, RDP 3389 or all ports/protocols from 0.0.0.0/0 or ::/0",
  fix: "Reach instances through SSM Session Manager (already in the instance role); never open 22/3389/all to the internet",
  resourceTypes: INGRESS_TYPES,
  check: (config, { self }) =>
    joinProblems(
      worldIngress(config, self).map((open) => {
        const exposure = adminExposure(open.ingress.protocol, open.ingress.ports);
        return exposure ? `${open.ingress.where}${exposure} from ${open.cidr}` : undefined;
      }),
    ),
};

const openIngress: PolicyRule = {
  id: "AWS-SG-INGRESS-OPEN",
  severity: "high",
  title: "Only the load balancer's security group admits the internet (0.0.0.0/0, ::/0), and only on tcp 80/443",
  fix: "Admit instances and the database from security groups (referenced_security_group_id), not from CIDRs; keep loadBalancer ingress to 80/443",
  resourceTypes: INGRESS_TYPES,
  check: (config, { self, all }) =>
    joinProblems(
      worldIngress(config, self).map((open) => {
        const { protocol, ports, group } = open.ingress;
        // SSH/RDP/all ports are the admin rule's finding; one finding per exposure.
        if (adminExposure(protocol, ports)) return undefined;
        const web = protocol === "tcp" && ports.from === ports.to && (ports.from === 80 || ports.from === 443);
        if (!web) return describeIngress(open);
        return isLoadBalancerGroup(group, all) ? undefined : `${describeIngress(open)} on a group no load balancer uses`;
      }),
    ),
};

const instancePublicIp: PolicyRule = {
  id: "AWS-EC2-PUBLIC-IP",
  severity: "high",
  title: "Instances get no public IP address (they sit behind the load balancer and egress through NAT)",
  fix: "Set associate_public_ip_address \"false\" on the launch template's network interface (constructs/aws/instance-group.ts)",
  resourceTypes: INSTANCE_TYPES,
  check: (config, { self }) => {
    if (self.type === "aws_instance") {
      return isTrue(config.associate_public_ip_address) ? "associate_public_ip_address is true" : undefined;
    }
    return joinProblems(
      blocks(config.network_interfaces).map((nic, index) =>
        isTrue(nic.associate_public_ip_address) ? `network_interfaces[${index}].associate_public_ip_address is "true"` : undefined,
      ),
    );
  },
};

/**
 * Why an instance (or launch template) admits more than the load balancer, or undefined when every
 * ingress permission of its security groups comes from a load balancer's group and nothing else.
 * The NAT-less layout relies on this to accept instances with public IPs.
 */
export function instancesAdmitMoreThanLoadBalancer(self: ResolvedResource, all: ResolvedResource[]): string | undefined {
  const config = self.config;
  const groups = [
    ...blocks(config.vpc_security_group_ids),
    ...blocks(config.security_groups),
    ...blocks(config.network_interfaces).flatMap((nic) => blocks(nic.security_groups)),
  ];
  if (groups.length === 0) return "no security group is attached, so the VPC's default group applies";
  return joinProblems(
    groups.map((value) => {
      const group = referencedGroup(value, all);
      if (!group) return `security group ${show(value)} is not of this stack, so what it admits cannot be verified`;
      const admitted = all
        .filter((resource) => INGRESS_TYPES.includes(resource.type))
        .flatMap((resource) => ingressOf(resource.config, resource).map((ingress) => ({ resource, ingress })))
        .filter(({ ingress }) => refersTo(ingress.group, group));
      return joinProblems(
        admitted.map(({ resource, ingress }) => {
          const others = [
            ...ingress.cidrs,
            ...ingress.peers.filter((peer) => !isLoadBalancerGroup(peer, all)).map((peer) => referencedGroup(peer, all)?.path ?? String(peer)),
          ];
          if (others.length === 0 && ingress.peers.length > 0) return undefined;
          return `${resource.path} ${ingress.where}admits ${describeTraffic(ingress)} from ${others.join(", ") || "no source"}`;
        }),
      );
    }),
  );
}

const subnetPublicIp: PolicyRule = {
  id: "AWS-VPC-SUBNET-PUBLIC-IP",
  severity: "high",
  title: "No subnet assigns public IPs on launch (public subnets hold only the load balancer and NAT gateways)",
  fix: "Set map_public_ip_on_launch false on every subnet (constructs/aws/network.ts)",
  resourceTypes: ["aws_subnet"],
  check: (config) => (isTrue(config.map_public_ip_on_launch) ? "map_public_ip_on_launch is true" : undefined),
};

const imdsV2: PolicyRule = {
  id: "AWS-EC2-IMDSV2",
  severity: "high",
  title: "Instance metadata requires IMDSv2 session tokens (metadata_options.http_tokens = required)",
  fix: "Set metadata_options { http_tokens = \"required\" } on the launch template (constructs/aws/instance-group.ts)",
  resourceTypes: INSTANCE_TYPES,
  check: (config) => {
    const options = block(config.metadata_options);
    if (options?.http_endpoint === "disabled") return undefined;
    return options?.http_tokens === "required" ? undefined : `metadata_options.http_tokens is ${show(options?.http_tokens)} (must be "required")`;
  },
};

const ebsEncrypted: PolicyRule = {
  id: "AWS-EBS-ENCRYPTED",
  severity: "high",
  title: "Instance volumes are encrypted (launch template block_device_mappings ebs.encrypted = true)",
  fix: "Declare the root volume in block_device_mappings with ebs.encrypted \"true\" (constructs/aws/instance-group.ts)",
  resourceTypes: ["aws_launch_template", "aws_instance", "aws_ebs_volume"],
  check: (config, { self }) => {
    if (self.type === "aws_ebs_volume") return isTrue(config.encrypted) ? undefined : `encrypted is ${show(config.encrypted)}`;
    if (self.type === "aws_instance") {
      const root = block(config.root_block_device);
      return joinProblems([
        isTrue(root?.encrypted) ? undefined : `root_block_device.encrypted is ${show(root?.encrypted)}`,
        ...blocks(config.ebs_block_device).map((device, index) =>
          isTrue(device.encrypted) ? undefined : `ebs_block_device[${index}].encrypted is ${show(device.encrypted)}`,
        ),
      ]);
    }
    const ebsMappings = blocks(config.block_device_mappings).filter((mapping) => block(mapping.ebs) !== undefined);
    if (ebsMappings.length === 0) {
      return "no block_device_mappings with ebs: the root volume's encryption is left to the AMI and account default";
    }
    return joinProblems(
      blocks(config.block_device_mappings).map((mapping, index) => {
        const ebs = block(mapping.ebs);
        if (ebs === undefined || isTrue(ebs.encrypted)) return undefined;
        return `block_device_mappings[${index}] (${mapping.device_name ?? "device?"}) ebs.encrypted is ${show(ebs.encrypted)}`;
      }),
    );
  },
};

const rdsEncrypted: PolicyRule = {
  id: "AWS-RDS-ENCRYPTED",
  severity: "high",
  title: "RDS storage is encrypted (storage_encrypted = true)",
  fix: "Set storage_encrypted true on the DB instance (constructs/aws/database.ts); existing instances need a snapshot-restore",
  resourceTypes: ["aws_db_instance"],
  check: (config) => (isTrue(config.storage_encrypted) ? undefined : `storage_encrypted is ${show(config.storage_encrypted)}`),
};

const rdsPublic: PolicyRule = {
  id: "AWS-RDS-PUBLIC",
  severity: "high",
  title: "RDS is not publicly accessible (publicly_accessible = false)",
  fix: "Set publicly_accessible false and keep the instance in the database subnets (constructs/aws/database.ts)",
  resourceTypes: ["aws_db_instance"],
  check: (config) => (isTrue(config.publicly_accessible) ? "publicly_accessible is true" : undefined),
};

const TLS_PARAMETERS = ["require_secure_transport", "rds.force_ssl"];

const rdsTls: PolicyRule = {
  id: "AWS-RDS-TLS",
  severity: "high",
  title: "Every DB instance uses a parameter group of this stack that enforces TLS (require_secure_transport / rds.force_ssl = 1)",
  fix: "Attach the Database construct's parameter group, which sets require_secure_transport (MySQL) or rds.force_ssl (PostgreSQL)",
  resourceTypes: ["aws_db_instance"],
  check: (config, { all }) => {
    const name = config.parameter_group_name;
    if (name === undefined) return "parameter_group_name is not set: the engine's default group does not enforce TLS";
    const group = referenced(all, name, ["aws_db_parameter_group"]);
    if (!group) return `parameter_group_name ${show(name)} is not a parameter group of this stack, so TLS enforcement cannot be verified`;
    const enforcing = blocks(group.config.parameter).find(
      (parameter) => TLS_PARAMETERS.includes(parameter.name) && /^(1|on|true)$/i.test(String(parameter.value)),
    );
    return enforcing ? undefined : `parameter group ${group.path} sets neither require_secure_transport nor rds.force_ssl to 1`;
  },
};

function isApplicationLoadBalancer(config: any): boolean {
  return config.load_balancer_type === undefined || config.load_balancer_type === "application";
}

/** A listener's protocol; an ALB listener without one is HTTP (the provider's default). */
function listenerProtocol(config: any, all: ResolvedResource[]): string | undefined {
  if (config.protocol !== undefined) return String(config.protocol).toUpperCase();
  const loadBalancer = referenced(all, config.load_balancer_arn, LOAD_BALANCER_TYPES);
  return loadBalancer && isApplicationLoadBalancer(loadBalancer.config) ? "HTTP" : undefined;
}

const listenerTls: PolicyRule = {
  id: "AWS-ELB-TLS12",
  severity: "high",
  title: "HTTPS/TLS listeners negotiate TLS 1.2 or newer only (ssl_policy ELBSecurityPolicy-TLS13-1-2-*, -TLS-1-2-*, -FS-1-2-*)",
  fix: "Leave LoadBalancer.sslPolicy at its default ELBSecurityPolicy-TLS13-1-2-2021-06 or pick another TLS 1.2+ policy",
  resourceTypes: LISTENER_TYPES,
  check: (config, { all }) => {
    const protocol = listenerProtocol(config, all);
    if (protocol !== "HTTPS" && protocol !== "TLS") return undefined;
    const policy = config.ssl_policy;
    if (typeof policy === "string" && TLS12_ELB_POLICY.test(policy)) return undefined;
    return `${protocol} listener ssl_policy is ${show(policy)} (${policy === undefined ? "the provider default admits TLS 1.0" : "admits TLS below 1.2 or is unknown"})`;
  },
};

function isHttpsRedirect(action: any): boolean {
  return action?.type === "redirect" && String(block(action.redirect)?.protocol ?? "").toUpperCase() === "HTTPS";
}

const httpRedirect: PolicyRule = {
  id: "AWS-ELB-HTTP-REDIRECT",
  severity: "high",
  title: "Plain-HTTP listeners only redirect to HTTPS (default action and every listener rule)",
  fix: "Make port 80's default action a redirect to HTTPS:443 and attach listener rules to the HTTPS listener only (constructs/aws/load-balancer.ts)",
  resourceTypes: LISTENER_TYPES,
  check: (config, { self, all }) => {
    if (listenerProtocol(config, all) !== "HTTP") return undefined;
    const defaults = blocks(config.default_action);
    const problems = defaults.map((action, index) =>
      isHttpsRedirect(action) ? undefined : `default_action[${index}] is ${show(action?.type)}, not a redirect to HTTPS`,
    );
    if (defaults.length === 0) problems.push("no default_action");
    for (const rule of all) {
      if (!LISTENER_RULE_TYPES.includes(rule.type) || !refersTo(rule.config.listener_arn, self)) continue;
      if (!blocks(rule.config.action).every(isHttpsRedirect)) problems.push(`listener rule ${rule.path} serves plain HTTP instead of redirecting`);
    }
    return joinProblems(problems);
  },
};

const dropInvalidHeaders: PolicyRule = {
  id: "AWS-ALB-DROP-INVALID-HEADERS",
  severity: "high",
  title: "Application load balancers drop invalid HTTP header fields (request smuggling)",
  fix: "Set drop_invalid_header_fields true on the ALB (constructs/aws/load-balancer.ts)",
  resourceTypes: LOAD_BALANCER_TYPES,
  check: (config) =>
    !isApplicationLoadBalancer(config) || isTrue(config.drop_invalid_header_fields)
      ? undefined
      : `drop_invalid_header_fields is ${show(config.drop_invalid_header_fields)}`,
};

const rdsBackupRetention: PolicyRule = {
  id: "AWS-RDS-BACKUP-RETENTION",
  severity: "high",
  productionOnly: true,
  title: "Production databases keep automated backups for at least 7 days",
  fix: "Set database.backupRetentionDays (7–35) in config/<env>.yaml",
  resourceTypes: ["aws_db_instance"],
  check: (config) => {
    const days = numberOf(config.backup_retention_period);
    return days !== undefined && days >= 7 ? undefined : `backup_retention_period is ${show(config.backup_retention_period)} (at least 7)`;
  },
};

const rdsDeletionProtection: PolicyRule = {
  id: "AWS-RDS-DELETION-PROTECTION",
  severity: "high",
  productionOnly: true,
  title: "Production databases have deletion protection",
  fix: "Use stage: production (the AWS stack then sets Database.deletionProtection)",
  resourceTypes: ["aws_db_instance"],
  check: (config) => (isTrue(config.deletion_protection) ? undefined : `deletion_protection is ${show(config.deletion_protection)}`),
};

const rdsMultiAz: PolicyRule = {
  id: "AWS-RDS-MULTI-AZ",
  severity: "medium",
  productionOnly: true,
  title: "Production databases are Multi-AZ (a standby in a second zone)",
  fix: "Remove database.highAvailability: false from config/<env>.yaml (production defaults to Multi-AZ)",
  resourceTypes: ["aws_db_instance"],
  check: (config) => (isTrue(config.multi_az) ? undefined : `multi_az is ${show(config.multi_az)}`),
};

const albDeletionProtection: PolicyRule = {
  id: "AWS-ALB-DELETION-PROTECTION",
  severity: "medium",
  productionOnly: true,
  title: "Production load balancers have deletion protection",
  fix: "Use stage: production (the AWS stack then sets LoadBalancer.deletionProtection)",
  resourceTypes: LOAD_BALANCER_TYPES,
  check: (config) =>
    isTrue(config.enable_deletion_protection) ? undefined : `enable_deletion_protection is ${show(config.enable_deletion_protection)}`,
};

const asgElbHealthCheck: PolicyRule = {
  id: "AWS-ASG-ELB-HEALTH-CHECK",
  severity: "medium",
  productionOnly: true,
  title: "Production autoscaling groups behind a load balancer replace instances that fail its health check (health_check_type = ELB)",
  fix: "Set health_check_type \"ELB\" on the autoscaling group (constructs/aws/instance-group.ts)",
  resourceTypes: ["aws_autoscaling_group"],
  check: (config, { self, all }) => {
    const behindLoadBalancer =
      blocks(config.target_group_arns).length > 0 ||
      blocks(config.load_balancers).length > 0 ||
      all.some((resource) => resource.type === "aws_autoscaling_attachment" && refersTo(resource.config.autoscaling_group_name, self));
    if (!behindLoadBalancer || config.health_check_type === "ELB") return undefined;
    return `health_check_type is ${show(config.health_check_type)} (the EC2 default ignores the load balancer's health check)`;
  },
};

export const AWS_RULES: PolicyRule[] = [
  adminIngress,
  openIngress,
  instancePublicIp,
  subnetPublicIp,
  imdsV2,
  ebsEncrypted,
  rdsEncrypted,
  rdsPublic,
  rdsTls,
  listenerTls,
  httpRedirect,
  dropInvalidHeaders,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsMultiAz,
  albDeletionProtection,
  asgElbHealthCheck,
];
