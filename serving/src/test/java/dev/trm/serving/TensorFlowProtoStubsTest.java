package dev.trm.serving;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.MetaGraphProtos;
import org.tensorflow.proto.TensorProtos;
import org.tensorflow.proto.TensorShapeProtos;
import org.tensorflow.proto.TypesProtos;
import org.tensorflow.proto.error.ErrorCodesProtos;

/**
 * The TensorFlow messages declared in src/main/tensorflow-proto (for protoc and the Python client) against
 * TensorFlow Java's own descriptors: same file names, packages and Java options, and every declared field and enum
 * value with TensorFlow's name, number, type and label. A mistake here would make clients of another language
 * read or write the wrong wire fields.
 */
class TensorFlowProtoStubsTest {
  private static final Map<String, FileDescriptor> TENSORFLOW = Map.of(
      "tensorflow/core/framework/types.proto", TypesProtos.getDescriptor(),
      "tensorflow/core/framework/tensor_shape.proto", TensorShapeProtos.getDescriptor(),
      "tensorflow/core/framework/tensor.proto", TensorProtos.getDescriptor(),
      "tensorflow/core/protobuf/meta_graph.proto", MetaGraphProtos.getDescriptor(),
      "tsl/protobuf/error_codes.proto", ErrorCodesProtos.getDescriptor());

  @Test
  void everyDeclaredFieldMatchesTensorFlowJava() throws Exception {
    FileDescriptorSet set;
    try (InputStream in = Files.newInputStream(
        Path.of("target/generated-resources/protobuf/descriptor-sets/serving-api.pb"))) {
      set = FileDescriptorSet.parseFrom(in);
    }
    List<String> checked = new ArrayList<>();
    for (FileDescriptorProto stub : set.getFileList()) {
      FileDescriptor real = TENSORFLOW.get(stub.getName());
      if (real == null) {
        continue;
      }
      checked.add(stub.getName());
      assertThat(stub.getPackage()).isEqualTo(real.getPackage());
      assertThat(stub.getOptions().getJavaPackage()).isEqualTo(real.getOptions().getJavaPackage());
      assertThat(stub.getOptions().getJavaOuterClassname()).isEqualTo(real.getOptions().getJavaOuterClassname());
      for (DescriptorProto m : stub.getMessageTypeList()) {
        checkMessage(m, real.findMessageTypeByName(m.getName()), stub.getName());
      }
      for (EnumDescriptorProto e : stub.getEnumTypeList()) {
        checkEnum(e, real.findEnumTypeByName(e.getName()), stub.getName());
      }
    }
    assertThat(checked).containsExactlyElementsIn(TENSORFLOW.keySet());
  }

  private static void checkMessage(DescriptorProto stub, Descriptor real, String where) {
    assertWithMessage(where + ": message " + stub.getName()).that(real).isNotNull();
    for (FieldDescriptorProto f : stub.getFieldList()) {
      FieldDescriptor r = real.findFieldByName(f.getName());
      assertWithMessage(where + ": field " + real.getFullName() + "." + f.getName()).that(r).isNotNull();
      assertThat(r.getNumber()).isEqualTo(f.getNumber());
      assertThat(r.toProto().getType()).isEqualTo(f.getType());
      assertThat(r.toProto().getLabel()).isEqualTo(f.getLabel());
      if (f.hasTypeName()) {
        String typeName = f.getTypeName().substring(1);
        String realType = r.getType() == FieldDescriptor.Type.ENUM ? r.getEnumType().getFullName()
            : r.getMessageType().getFullName();
        assertThat(realType).isEqualTo(typeName);
      }
    }
    for (DescriptorProto nested : stub.getNestedTypeList()) {
      checkMessage(nested, real.findNestedTypeByName(nested.getName()), where);
    }
  }

  private static void checkEnum(EnumDescriptorProto stub, EnumDescriptor real, String where) {
    assertWithMessage(where + ": enum " + stub.getName()).that(real).isNotNull();
    for (EnumValueDescriptorProto v : stub.getValueList()) {
      assertWithMessage(where + ": " + v.getName()).that(real.findValueByName(v.getName())).isNotNull();
      assertThat(real.findValueByName(v.getName()).getNumber()).isEqualTo(v.getNumber());
    }
  }
}
