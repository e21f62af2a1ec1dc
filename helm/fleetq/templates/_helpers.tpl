{{/* The chart name, or nameOverride. */}}
{{- define "fleetq.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-<chart>", or fullnameOverride; the release name alone when it already holds the chart name. */}}
{{- define "fleetq.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "fleetq.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "fleetq.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{/* Labels of every resource; call with (dict "ctx" $ "component" "worker"), component optional. */}}
{{- define "fleetq.labels" -}}
helm.sh/chart: {{ include "fleetq.chart" .ctx }}
{{ include "fleetq.selectorLabels" . }}
app.kubernetes.io/version: {{ include "fleetq.imageTag" .ctx | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- end }}

{{/* Labels that select a component's pods; never change them, a Deployment's selector is immutable. */}}
{{- define "fleetq.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fleetq.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{- define "fleetq.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "fleetq.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "fleetq.coordinatorName" -}}
{{- printf "%s-coordinator" (include "fleetq.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "fleetq.workerName" -}}
{{- printf "%s-worker" (include "fleetq.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "fleetq.executorName" -}}
{{- printf "%s-executor" (include "fleetq.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The Secret holding the API's bearer tokens: the user's, or the one the chart creates. */}}
{{- define "fleetq.apiTokenSecretName" -}}
{{- if .Values.coordinator.api.tokenSecret }}
{{- .Values.coordinator.api.tokenSecret }}
{{- else }}
{{- printf "%s-api-token" (include "fleetq.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Where the coordinator finds the API's token file. */}}
{{- define "fleetq.apiTokenDir" -}}
/etc/fleetq/api
{{- end }}

{{- define "fleetq.configName" -}}
{{- printf "%s-config" (include "fleetq.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "fleetq.autoscaled" -}}
{{- if or .Values.autoscaling.keda.enabled .Values.autoscaling.hpa.enabled }}true{{ end }}
{{- end }}

{{/* Where the git credential store file is mounted. */}}
{{- define "fleetq.gitCredentialsDir" -}}
/etc/fleetq/git
{{- end }}

{{/*
The pod-level settings both Deployments share: service account, security context, scheduling.
*/}}
{{- define "fleetq.podCommon" -}}
serviceAccountName: {{ include "fleetq.serviceAccountName" . }}
{{- /* Neither the coordinator nor the agents talk to the Kubernetes API. */}}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Pod annotations: the user's, plus a checksum of the config so that a change rolls the pods. */}}
{{- define "fleetq.podAnnotations" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Environment shared by both containers beyond the ConfigMap: the Redis URI from a Secret, HOME on a
writable volume (the root filesystem is read-only), and git's credential helper.
*/}}
{{- define "fleetq.commonEnv" -}}
- name: HOME
  value: /tmp
{{- if .Values.redis.existingSecret }}
- name: FLEETQ_REDIS_URI
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.existingSecretKey }}
{{- end }}
{{- if .Values.git.credentialsSecret }}
{{- /* git reads GIT_CONFIG_COUNT/KEY_n/VALUE_n as configuration (git 2.31+); no file is written. */}}
- name: GIT_CONFIG_COUNT
  value: "1"
- name: GIT_CONFIG_KEY_0
  value: credential.helper
- name: GIT_CONFIG_VALUE_0
  value: {{ printf "store --file=%s/%s" (include "fleetq.gitCredentialsDir" .) .Values.git.credentialsKey | quote }}
{{- end }}
{{- end }}

{{- define "fleetq.gitCredentialsVolume" -}}
{{- if .Values.git.credentialsSecret }}
- name: git-credentials
  secret:
    secretName: {{ .Values.git.credentialsSecret }}
    defaultMode: 0440
    items:
      - key: {{ .Values.git.credentialsKey }}
        path: {{ .Values.git.credentialsKey }}
{{- end }}
{{- end }}

{{- define "fleetq.gitCredentialsMount" -}}
{{- if .Values.git.credentialsSecret }}
- name: git-credentials
  mountPath: {{ include "fleetq.gitCredentialsDir" . }}
  readOnly: true
{{- end }}
{{- end }}

{{/*
Refuses values that the schema cannot express. Rendered by validate.yaml, so it runs on every
install, upgrade and template.
*/}}
{{- define "fleetq.validate" -}}
{{- if not .Values.kafka.bootstrapServers }}
{{- fail "kafka.bootstrapServers is required: set it to the host:port list of your Kafka cluster (this chart does not deploy Kafka)" }}
{{- end }}
{{- if and (not .Values.redis.uri) (not .Values.redis.existingSecret) }}
{{- fail "redis.uri or redis.existingSecret is required: this chart does not deploy Redis" }}
{{- end }}
{{- if and .Values.redis.uri .Values.redis.existingSecret }}
{{- fail "set either redis.uri or redis.existingSecret, not both" }}
{{- end }}
{{- if and .Values.autoscaling.keda.enabled .Values.autoscaling.hpa.enabled }}
{{- fail "autoscaling.keda.enabled and autoscaling.hpa.enabled are both true: enable at most one autoscaler for the workers" }}
{{- end }}
{{- if and .Values.autoscaling.hpa.enabled (lt (int .Values.autoscaling.minReplicas) 1) }}
{{- fail "autoscaling.minReplicas must be at least 1 with autoscaling.hpa; use autoscaling.keda to scale to zero" }}
{{- end }}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) }}
{{- fail (printf "autoscaling.minReplicas (%d) exceeds autoscaling.maxReplicas (%d)" (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- end }}
{{- if and (eq (int .Values.worker.suiteSlots) 0) (not .Values.executor.enabled) }}
{{- fail "worker.suiteSlots is 0 and executor.enabled is false: no pod would run the planner's and the gate's test suites; enable the executors or give the workers suite slots" }}
{{- end }}
{{- if gt (int .Values.executor.autoscaling.minReplicas) (int .Values.executor.autoscaling.maxReplicas) }}
{{- fail (printf "executor.autoscaling.minReplicas (%d) exceeds executor.autoscaling.maxReplicas (%d)" (int .Values.executor.autoscaling.minReplicas) (int .Values.executor.autoscaling.maxReplicas)) }}
{{- end }}
{{- if le (int .Values.executor.terminationGracePeriodSeconds) (int .Values.executor.shutdownGraceSeconds) }}
{{- fail (printf "executor.terminationGracePeriodSeconds (%d) must exceed executor.shutdownGraceSeconds (%d)" (int .Values.executor.terminationGracePeriodSeconds) (int .Values.executor.shutdownGraceSeconds)) }}
{{- end }}
{{- if le (int .Values.worker.terminationGracePeriodSeconds) (int .Values.worker.shutdownGraceSeconds) }}
{{- fail (printf "worker.terminationGracePeriodSeconds (%d) must exceed worker.shutdownGraceSeconds (%d): Kubernetes would kill a worker before it hands its unit back" (int .Values.worker.terminationGracePeriodSeconds) (int .Values.worker.shutdownGraceSeconds)) }}
{{- end }}
{{- end }}
